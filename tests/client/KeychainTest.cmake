# chartinsight_add_keychain_test(NAME SOURCES file... LIBRARIES target... [LABELS label...]
#                                [TIMEOUT s])
# Like chartinsight_add_test, for tests that use the OS keychain: the executable runs through
# tests/support/with-keychain.sh, which gives it a private D-Bus session with an unlocked,
# empty gnome-keyring and a private HOME. Tests that start the server or the CLI also depend
# on those targets, so building the test builds them.
function(chartinsight_add_keychain_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBRARIES;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE chartinsight_test_support Qt6::Test ${ARG_LIBRARIES}
        chartinsight_warnings)
    foreach(program chartinsight-server chartinsight-cli)
        if(TARGET ${program})
            add_dependencies(${name} ${program})
        endif()
    endforeach()
    add_test(NAME ${name}
        COMMAND ${PROJECT_SOURCE_DIR}/tests/support/with-keychain.sh $<TARGET_FILE:${name}>)
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED signatures TIMEOUT ${ARG_TIMEOUT}
        LABELS "${ARG_LABELS}")
endfunction()
