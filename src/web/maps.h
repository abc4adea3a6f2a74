// Anomaly maps on the page (issue 19): why a file was flagged. Maps are made only for what is shown
// (the file selected or under the pointer, the gallery of the most anomalous files, the saved
// report): the panels ask for a row's map (want_map), web/pipeline.js takes the requests
// (take_map_requests), decodes the file again with the core in a worker (the view of the original
// image, stratum::make_map_view), runs the graph's reconstruction and map outputs on it, and hands
// them back (map_done). The overlays are drawn by the core (anomaly_map.h), as `stratum score --maps`
// draws them. App logic: no emscripten, ImGui or GL (tests/web).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "anomaly_map.h"

namespace web {

// Entries kept at most (the least recently shown go first): about 200 KB each.
constexpr std::size_t kMaxMapEntries = 48;
// Files in the gallery and in the report's map section: the highest scores.
constexpr std::size_t kGalleryFiles = 8;

struct MapEntry {
    enum class Status { Wanted, Requested, Ready, Failed };
    Status status = Status::Wanted;
    std::string error;
    stratum::MapView view;               // the original image as shown, with the model's crop
    std::vector<float> reconstructed;    // C x H x W in [-1, 1]
    std::vector<std::vector<float>> raw; // per card map (card.maps order): height x width raw residuals
    std::uint64_t last_wanted = 0;       // the frame it was last asked for
    // Drawings kept until the map or the opacity changes (the panels upload them as textures).
    int drawn_map = -1;
    float drawn_opacity = -1;
    stratum::Image overlay, reconstruction;
    std::vector<float> values;           // the calibrated map drawn_map at the input size (overlay's)
    int version = 0;                     // bumped whenever overlay or reconstruction change
};

struct MapsState {
    std::map<std::uint64_t, MapEntry> entries;  // by row id
    int choice = 0;                              // index in card.maps
    float opacity = static_cast<float>(stratum::kDefaultMapOpacity);
    std::uint64_t frame = 0;                     // advanced once per frame (next_map_frame)
    bool report_pending = false;                 // Save report waits for the gallery's maps
    bool open_viewer = false;                    // a gallery tile was clicked: show "Why flagged" next
};

MapsState& maps();

// The row (by index) is shown this frame: its map is made if it is not there yet. No-op for rows
// that are not scored or when the model has no maps.
void want_map(std::size_t row);
// Once per frame: ages the entries and drops the least recently shown beyond kMaxMapEntries, and
// those of rows that are gone.
void next_map_frame();
// Whether some map waits to be requested (main.cpp then tells web/pipeline.js).
bool maps_wanted();
// The maps to make, as JSON [{"id","key","page","side"}] (row id, the file's key in pipeline.js,
// the page of a stack, the view's longer side); they become Requested.
std::string take_map_requests();
// What pipeline.js made for row `id`: the view (width x height RGB), the model's crop in view pixels
// (x, y, width, height), the reconstruction (C x H x W floats) and every card map's raw output, map
// after map (sum of width x height). Ignored for a row that is gone; a wrong size fails the entry.
void map_done(std::uint64_t id, const std::uint8_t* view_rgb, int width, int height, const double crop[4],
              const float* reconstructed, std::size_t reconstructed_size, const float* raw, std::size_t raw_size);
void map_failed(std::uint64_t id, const std::string& message);
// The entry of row `id`, or null.
MapEntry* map_entry(std::uint64_t id);
// The calibrated map `map` (index in card.maps) of a ready entry at the model's input size.
std::vector<float> map_values(const MapEntry& entry, int map);
// Refreshes the entry's overlay, reconstruction and values for the chosen map and opacity.
void draw_map_images(MapEntry& entry);
// The largest of the entry's values (the map drawn last; draw_map_images first), 0 while it has none.
float largest_map_value(const MapEntry& entry);
// The scored rows with the highest scores, highest first, at most `count`.
std::vector<std::size_t> top_rows(std::size_t count);
// Forgets every entry (Clear, a model change).
void forget_maps();
// Test probe: {"choice","entries":[{"row","status","error","max"}]}; for `row` >= 0 also "values": the
// calibrated map of that row at the input size.
std::string maps_json(int row);

}  // namespace web
