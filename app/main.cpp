#include <QCoreApplication>
#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    std::puts("aio-sandbox-manager " AIO_VERSION);
    return 0;
}
