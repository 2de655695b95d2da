# One helper to register a Qt Test executable with CTest.
#   add_aio_test(NAME TestFoo SOURCES TestFoo.cpp LIBS aiocore LABELS unit [FIXTURES testbed] [TIMEOUT 120]
#                [LOCKS vm-ready ...] [COST seconds] [WRAPPER script args...])
# WRAPPER: the test runs as "script args... <test executable>" (e.g. inside a private D-Bus session).
# LOCKS: the testbed hosts the test changes or depends on (vm-ready, vm-fresh, vm-scratch, bastion);
#   tests that share a host run one after another, the others in parallel under ctest -j. A test
#   that restarts a host's sshd or resets a VM must name that host, and so must every test that
#   connects to it. COST: the seconds it usually takes, so ctest starts the long ones first.
# Unit and GUI tests run offscreen; integration tests name the fixtures they need.
function(add_aio_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT;COST" "SOURCES;LIBS;LABELS;FIXTURES;ENVIRONMENT;WRAPPER;LOCKS" ${ARGN})
    add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE ${T_LIBS})
    # The test reuses the precompiled headers of tests/CMakeLists.txt: the GUI ones when it links
    # the Widgets library.
    if("aioui" IN_LIST T_LIBS)
        aio_test_compile_settings(${T_NAME} aioui)
        target_precompile_headers(${T_NAME} REUSE_FROM aiotest_pch_gui)
    else()
        aio_test_compile_settings(${T_NAME} aiocore)
        target_precompile_headers(${T_NAME} REUSE_FROM aiotest_pch)
    endif()
    # A test's moc file is empty (each test includes its own .moc): loading the precompiled header
    # would be its only cost (over a second).
    set_source_files_properties(${CMAKE_CURRENT_BINARY_DIR}/${T_NAME}_autogen/mocs_compilation.cpp
                                PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
    add_test(NAME ${T_NAME} COMMAND ${T_WRAPPER} $<TARGET_FILE:${T_NAME}>)
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;AIO_TESTBED_ENV=/run/aio-testbed/testbed.env;${T_ENVIRONMENT}")
    if(T_FIXTURES)
        set_tests_properties(${T_NAME} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
    endif()
    if(T_LOCKS)
        set_tests_properties(${T_NAME} PROPERTIES RESOURCE_LOCK "${T_LOCKS}")
    endif()
    if(T_COST)
        set_tests_properties(${T_NAME} PROPERTIES COST ${T_COST})
    endif()
endfunction()

# What every test's sources are compiled with: Qt Test, the library the test is of (aiocore or
# aioui), the source tree and tests/ on the include path, and where the trees are.
function(aio_test_compile_settings target library)
    target_link_libraries(${target} PRIVATE Qt6::Test ${library})
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests)
    target_compile_definitions(${target} PRIVATE AIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                 AIO_BINARY_DIR="${PROJECT_BINARY_DIR}")
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
