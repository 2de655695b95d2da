# One helper to register a Qt Test executable with CTest.
#   add_aio_test(NAME TestFoo SOURCES TestFoo.cpp LIBS aiocore LABELS unit [FIXTURES testbed] [TIMEOUT 120]
#                [WRAPPER script args...])
# WRAPPER: the test runs as "script args... <test executable>" (e.g. inside a private D-Bus session).
# Unit and GUI tests run offscreen; integration tests name the fixtures they need.
function(add_aio_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;FIXTURES;ENVIRONMENT;WRAPPER" ${ARGN})
    add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
    target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(${T_NAME} PRIVATE AIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                 AIO_BINARY_DIR="${PROJECT_BINARY_DIR}")
    add_test(NAME ${T_NAME} COMMAND ${T_WRAPPER} $<TARGET_FILE:${T_NAME}>)
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;AIO_TESTBED_ENV=/run/aio-testbed/testbed.env;${T_ENVIRONMENT}")
    if(T_FIXTURES)
        set_tests_properties(${T_NAME} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
        # Tests against the testbed run one at a time: several restart a VM's sshd (host-key
        # rotation) or reset a VM, which raced with other tests' connections under ctest -j.
        set_property(TEST ${T_NAME} APPEND PROPERTY RESOURCE_LOCK testbed-serial)
    endif()
endfunction()

# Adds every direct sub-folder of the current source folder that has a CMakeLists.txt.
function(add_child_directories)
    file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
    list(SORT children)
    foreach(child ${children})
        if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child} AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
            add_subdirectory(${child})
        endif()
    endforeach()
endfunction()
