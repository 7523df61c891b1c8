# Include views: folders in the build tree holding links to just the headers a target may offer, so a
# target that includes what it does not link fails to compile. `#include "modules/orders/api/orders.hpp"`
# resolves through the orders module's api view; its store/ and http/ are in no view but its own.
set(MERCATO_VIEWS ${CMAKE_BINARY_DIR}/include_views)

# mercato_include_view(VIEW PATH): the view VIEW shows src/PATH (a folder or a file) at PATH.
function(mercato_include_view view path)
  set(link ${MERCATO_VIEWS}/${view}/${path})
  get_filename_component(parent ${link} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  if(NOT IS_SYMLINK ${link})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/src/${path} ${link} SYMBOLIC)
  endif()
endfunction()
