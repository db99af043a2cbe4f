# Finds every third-party dependency from its Debian 12 package and exposes
# each as an imported target named deps::<name>.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem system)
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(yaml-cpp 0.7 REQUIRED)

pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)

# SOCI 4.0.3 ships neither pkg-config nor a CMake package (PITFALLS.md).
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIB soci_postgresql REQUIRED)
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_path(PG_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql REQUIRED)
add_library(deps_soci INTERFACE)
target_include_directories(deps_soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${PG_INCLUDE_DIR})
target_link_libraries(deps_soci INTERFACE ${SOCI_CORE_LIB} ${SOCI_SQLITE3_LIB} ${SOCI_POSTGRESQL_LIB}
  PkgConfig::SQLITE3 PkgConfig::LIBPQ ${CMAKE_DL_LIBS})
add_library(deps::soci ALIAS deps_soci)
