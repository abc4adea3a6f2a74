// The UI's fonts: DejaVu Sans (embedded: Latin, Greek, Cyrillic) and, once a file name needs them, the
// fallback fonts the site serves from Debian's packages (WenQuanYi Micro Hei for CJK and Hangul,
// Symbola for emoji and symbols), merged into the atlas with just the characters the names use, so
// that a name in any script shows as written instead of as "????". Drawing side.
#pragma once
#include <cstdint>
#include <string>

namespace web {

// The first atlas (DejaVu at `pixels`), before the first frame.
void setup_fonts(float pixels);
// Once per frame, before ImGui::NewFrame: notes characters that new row names use and the atlas
// lacks, asks the page for the fallback fonts once, and rebuilds the atlas when they are in.
void update_fonts();
// A fallback font's bytes (index 0 WenQuanYi Micro Hei, whose collection's first face is used;
// 1 Symbola), from web/app.js. A font that could not be fetched never arrives, and bytes that are no
// font are dropped: the names then keep ImGui's "?" for what no font has.
void add_fallback_font(int index, const std::uint8_t* data, std::size_t size);
// Distinct characters of the rows' names that no loaded font draws (the tests read it).
std::size_t missing_glyphs();

}  // namespace web
