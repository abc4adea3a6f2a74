# Copies a model card and the .onnx it names into DEST; with DEFAULT, the card again as DEST/default.json.
file(READ "${CARD}" card_text)
string(JSON model_file GET "${card_text}" model_file)
get_filename_component(card_dir "${CARD}" DIRECTORY)
get_filename_component(card_name "${CARD}" NAME)
file(COPY "${CARD}" "${card_dir}/${model_file}" DESTINATION "${DEST}")
if(DEFAULT)
  configure_file("${CARD}" "${DEST}/default.json" COPYONLY)
endif()
