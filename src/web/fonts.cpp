#include "fonts.h"

#include <emscripten.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <cstdio>
#include <set>
#include <vector>

#include "redraw.h"
#include "state.h"

EM_JS(void, js_load_fallback_fonts, (), { globalThis.stratumBridge.loadFonts(); });

namespace web {
namespace {

constexpr const char* kBaseFont = "/fonts/DejaVuSans.ttf";  // embedded at build time
float g_pixels = 15;
std::set<unsigned> g_wanted;          // characters beyond ASCII that row names use
std::size_t g_scanned_rows = 0;       // rows whose names are in g_wanted
std::uint64_t g_scanned_first_id = 0; // the first row's id when scanned (a Clear starts again)
bool g_requested = false, g_dirty = false;
std::vector<std::uint8_t> g_fallback[2];
std::size_t g_missing = 0;

// UTF-8 to code points (invalid bytes skipped: names are valid UTF-8 once through the core).
void add_codepoints(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        unsigned cp = c;
        int extra = 0;
        if (c >= 0xF0) cp = c & 0x07, extra = 3;
        else if (c >= 0xE0) cp = c & 0x0F, extra = 2;
        else if (c >= 0xC0) cp = c & 0x1F, extra = 1;
        else if (c >= 0x80) {
            ++i;
            continue;
        }
        if (i + static_cast<std::size_t>(extra) >= text.size()) break;  // cut short
        for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        i += static_cast<std::size_t>(extra) + 1;
        if (cp >= 0x80) g_wanted.insert(cp);
    }
}

void build_atlas() {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    static ImVector<ImWchar> base_ranges, wanted_ranges;
    ImFontGlyphRangesBuilder base;
    base.AddRanges(io.Fonts->GetGlyphRangesDefault());
    base.AddRanges(io.Fonts->GetGlyphRangesCyrillic());
    static const ImWchar greek[] = {0x0370, 0x03FF, 0x2000, 0x206F, 0x2190, 0x21FF, 0};  // Greek, punctuation, arrows
    base.AddRanges(greek);
    for (unsigned cp : g_wanted)  // DejaVu covers much more (Latin Extended, Armenian, ...): its own glyphs first
        if (cp <= IM_UNICODE_CODEPOINT_MAX) base.AddChar(static_cast<ImWchar>(cp));
    base_ranges.clear();
    base.BuildRanges(&base_ranges);
    if (FILE* f = std::fopen(kBaseFont, "rb")) {
        std::fclose(f);
        io.Fonts->AddFontFromFileTTF(kBaseFont, g_pixels, nullptr, base_ranges.Data);
    } else {
        io.Fonts->AddFontDefault();
    }
    ImFontGlyphRangesBuilder wanted;
    for (unsigned cp : g_wanted)
        if (cp <= IM_UNICODE_CODEPOINT_MAX) wanted.AddChar(static_cast<ImWchar>(cp));
    wanted_ranges.clear();
    wanted.BuildRanges(&wanted_ranges);
    for (const std::vector<std::uint8_t>& data : g_fallback) {
        if (data.empty() || g_wanted.empty()) continue;
        ImFontConfig merge;
        merge.MergeMode = true;
        merge.FontDataOwnedByAtlas = false;  // the bytes stay ours, for the next rebuild
        io.Fonts->AddFontFromMemoryTTF(const_cast<std::uint8_t*>(data.data()), static_cast<int>(data.size()), g_pixels, &merge,
                                       wanted_ranges.Data);
    }
    if (!io.Fonts->Build() && (!g_fallback[0].empty() || !g_fallback[1].empty())) {
        // Bytes that are no font (a server answering with something else): drop them, keep DejaVu.
        g_fallback[0].clear();
        g_fallback[1].clear();
        build_atlas();
    }
}

}  // namespace

void setup_fonts(float pixels) {
    g_pixels = pixels;
    build_atlas();
}

void update_fonts() {
    const std::vector<FileRow>& rows = app().rows;
    const std::uint64_t first = rows.empty() ? 0 : rows.front().id;
    if (first != g_scanned_first_id || rows.size() < g_scanned_rows) g_scanned_rows = 0, g_scanned_first_id = first;
    const std::size_t before = g_wanted.size();
    for (; g_scanned_rows < rows.size(); ++g_scanned_rows) add_codepoints(rows[g_scanned_rows].name);
    if (g_wanted.size() != before) g_dirty = true;  // new characters: the atlas takes them from the fonts it has
    if (g_dirty) {
        g_dirty = false;
        build_atlas();
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        on_input();  // draw the next frames: the names on screen were drawn with the old atlas
    }
    const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
    g_missing = 0;
    for (unsigned cp : g_wanted)
        g_missing += !font || cp > IM_UNICODE_CODEPOINT_MAX || !font->FindGlyphNoFallback(static_cast<ImWchar>(cp));
    // Characters no loaded font draws: the fallback fonts are fetched, once, on first need.
    if (g_missing && !g_requested) {
        g_requested = true;
        js_load_fallback_fonts();
    }
}

void add_fallback_font(int index, const std::uint8_t* data, std::size_t size) {
    if (index < 0 || index > 1) return;
    g_fallback[index].assign(data, data + size);
    g_dirty = !g_wanted.empty();
}

std::size_t missing_glyphs() { return g_missing; }

}  // namespace web
