# Turns migrations/NNNN_name.sql into a C++ source with an ordered table of (version, name, sql).
# Run at build time: cmake -DMIGRATIONS_DIR=... -DOUTPUT=... -P embed_migrations.cmake
file(GLOB files "${MIGRATIONS_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(name "${f}" NAME_WE)
  string(REGEX MATCH "^([0-9]+)_" _ "${name}")
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ "${f}" sql)
  string(APPEND body "    {${version}, \"${name}\", R\"vafa_sql(${sql})vafa_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from src/vafa/store/sqlite/migrations/*.sql. Do not edit.\n#include \"vafa/store/sqlite/migrations.hpp\"\n\nnamespace vafa::sqlite {\n\nconst std::vector<Migration>& migrations() {\n  static const std::vector<Migration> all = {\n${body}  };\n  return all;\n}\n\n}  // namespace vafa::sqlite\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
