# One recipe for a module (README, "Adding a module"):
#   mercato_module(NAME [DEPENDS module...] [API_DEPENDS module...] [SOURCES generated.cpp...]
#                  [PRIVATE_LIBS lib...])
# makes two targets:
#   mercato_NAME_api  the public face: src/modules/NAME/api/ only, and the api/ of API_DEPENDS, the
#                     modules whose types NAME's own api/ headers name (payments' facade names orders' Order);
#   mercato_NAME      the internals (every .cpp under src/modules/NAME), which see their own folder,
#                     the kernel, src/http and the api/ of DEPENDS, and offer the composition root
#                     (src/app) the headers at the module's top (module.hpp, settings.hpp).
# Including another module's internals, or the api/ of a module not in DEPENDS, fails to compile.
set(MERCATO_MODULES "" CACHE INTERNAL "the module targets, in declaration order")

# Unity batches and precompiled headers: what makes a cold build fit in a coffee break (README, "Build times").
function(mercato_fast_build target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE BATCH UNITY_BUILD_BATCH_SIZE 8)
endfunction()

function(mercato_module name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "DEPENDS;API_DEPENDS;SOURCES;PRIVATE_LIBS")
  set(root ${CMAKE_SOURCE_DIR}/src/modules/${name})

  add_library(mercato_${name}_api INTERFACE)
  mercato_include_view(${name}_api modules/${name}/api)
  target_include_directories(mercato_${name}_api INTERFACE ${MERCATO_VIEWS}/${name}_api)
  list(TRANSFORM ARG_API_DEPENDS PREPEND mercato_ OUTPUT_VARIABLE api_deps)
  list(TRANSFORM api_deps APPEND _api)
  target_link_libraries(mercato_${name}_api INTERFACE ${api_deps} mercato_kernel)

  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${root}/*.cpp)
  add_library(mercato_${name} STATIC ${sources} ${ARG_SOURCES})
  mercato_include_view(${name}_internals modules/${name})
  file(GLOB faces CONFIGURE_DEPENDS RELATIVE ${CMAKE_SOURCE_DIR}/src ${root}/*.hpp)
  foreach(face IN LISTS faces)
    mercato_include_view(${name}_face ${face})
  endforeach()
  target_include_directories(mercato_${name}
    PUBLIC ${MERCATO_VIEWS}/${name}_face
    PRIVATE ${MERCATO_VIEWS}/${name}_internals)
  list(TRANSFORM ARG_DEPENDS PREPEND mercato_ OUTPUT_VARIABLE deps)
  list(TRANSFORM deps APPEND _api)
  target_link_libraries(mercato_${name} PUBLIC mercato_${name}_api mercato_http mercato_kernel
                        PRIVATE ${deps} ${ARG_PRIVATE_LIBS})
  mercato_fast_build(mercato_${name})

  set(MERCATO_MODULES ${MERCATO_MODULES} mercato_${name} CACHE INTERNAL "")
endfunction()
