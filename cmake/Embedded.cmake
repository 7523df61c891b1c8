# Compiles migrations/<module>/*.sql, the notification templates and the OpenAPI document into the
# binary, so a merchant deploys one file.
file(GLOB_RECURSE MERCATO_MIGRATION_FILES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/migrations/*.sql)
set(MERCATO_MIGRATIONS_CPP ${CMAKE_BINARY_DIR}/generated/embedded_migrations.cpp)
add_custom_command(
  OUTPUT ${MERCATO_MIGRATIONS_CPP}
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR}/migrations -DOUT=${MERCATO_MIGRATIONS_CPP} -DGLOB=*.sql
          -DFUNCTION=embedded_migration_files -DNAMESPACE=mercato::kernel -DINCLUDE=kernel/migration_source.hpp
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_tree_script.cmake
  DEPENDS ${MERCATO_MIGRATION_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_tree_script.cmake
  COMMENT "Embedding SQL migrations"
  VERBATIM)

# The notification templates, config/templates/<language>/<kind>.{subject,txt,html}; a folder named
# in the configuration overrides them file by file.
file(GLOB_RECURSE MERCATO_TEMPLATE_FILES CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/config/templates/*)
set(MERCATO_NOTIFICATION_TEMPLATES_CPP ${CMAKE_BINARY_DIR}/generated/notification_templates.cpp)
add_custom_command(
  OUTPUT ${MERCATO_NOTIFICATION_TEMPLATES_CPP}
  COMMAND ${CMAKE_COMMAND} -DROOT=${CMAKE_SOURCE_DIR}/config/templates -DOUT=${MERCATO_NOTIFICATION_TEMPLATES_CPP}
          -DGLOB=* -DFUNCTION=embedded_template_files -DNAMESPACE=mercato::notifications
          -DINCLUDE=modules/notifications/templates/template_catalog.hpp
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_tree_script.cmake
  DEPENDS ${MERCATO_TEMPLATE_FILES} ${CMAKE_SOURCE_DIR}/cmake/embed_tree_script.cmake
  COMMENT "Embedding notification templates"
  VERBATIM)

set(MERCATO_OPENAPI_CPP ${CMAKE_BINARY_DIR}/generated/openapi_document.cpp)
add_custom_command(
  OUTPUT ${MERCATO_OPENAPI_CPP}
  COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_SOURCE_DIR}/openapi/openapi.json -DOUT=${MERCATO_OPENAPI_CPP}
          -DFUNCTION=openapi_document -P ${CMAKE_SOURCE_DIR}/cmake/embed_file_script.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/openapi/openapi.json ${CMAKE_SOURCE_DIR}/cmake/embed_file_script.cmake
  COMMENT "Embedding the OpenAPI document")

# The 10,000 most common passwords, which the password policy refuses (src/kernel/auth).
set(MERCATO_COMMON_PASSWORDS_CPP ${CMAKE_BINARY_DIR}/generated/common_passwords.cpp)
add_custom_command(
  OUTPUT ${MERCATO_COMMON_PASSWORDS_CPP}
  COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_SOURCE_DIR}/src/kernel/auth/common_passwords.txt -DOUT=${MERCATO_COMMON_PASSWORDS_CPP}
          -DFUNCTION=common_passwords_text -DNAMESPACE=mercato::kernel::auth
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_file_script.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/src/kernel/auth/common_passwords.txt ${CMAKE_SOURCE_DIR}/cmake/embed_file_script.cmake
  COMMENT "Embedding the common password list")

# The shipping module's built-in rate table (carriers, zones, weight tiers), used unless
# [shipping] rates_file names another.
set(MERCATO_SHIPPING_RATES_CPP ${CMAKE_BINARY_DIR}/generated/shipping_rates.cpp)
add_custom_command(
  OUTPUT ${MERCATO_SHIPPING_RATES_CPP}
  COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_SOURCE_DIR}/config/shipping_rates.toml -DOUT=${MERCATO_SHIPPING_RATES_CPP}
          -DFUNCTION=builtin_rate_table_text -DNAMESPACE=mercato::shipping
          -P ${CMAKE_SOURCE_DIR}/cmake/embed_file_script.cmake
  DEPENDS ${CMAKE_SOURCE_DIR}/config/shipping_rates.toml ${CMAKE_SOURCE_DIR}/cmake/embed_file_script.cmake
  COMMENT "Embedding the shipping rate table")
