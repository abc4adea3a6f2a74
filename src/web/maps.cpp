#include "maps.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "error.h"
#include "intensity.h"
#include "state.h"

namespace web {
namespace {

// The row with this id (rows are in id order: ids only grow), or -1.
int row_of(std::uint64_t id) {
    const std::vector<FileRow>& rows = app().rows;
    const auto it = std::lower_bound(rows.begin(), rows.end(), id, [](const FileRow& r, std::uint64_t v) { return r.id < v; });
    return it != rows.end() && it->id == id ? static_cast<int>(it - rows.begin()) : -1;
}

bool has_maps() { return app().model.ready && !app().model.card.maps.empty(); }

}  // namespace

MapsState& maps() {
    static MapsState state;
    return state;
}

void want_map(std::size_t row) {
    AppState& s = app();
    if (!has_maps() || row >= s.rows.size() || s.rows[row].status != FileRow::Status::Scored) return;
    const FileRow& r = s.rows[row];
    MapEntry& e = maps().entries[r.id];  // a new entry is Wanted
    e.last_wanted = maps().frame;
    if (e.status == MapEntry::Status::Wanted && r.input_range != stratum::window_text(input_window())) {
        // The view must be read as the row was; its window is no longer the one in use.
        e.status = MapEntry::Status::Failed;
        e.error = "this file was read through the window " + r.input_range + "; drop it again to see its map";
    }
}

void next_map_frame() {
    MapsState& m = maps();
    ++m.frame;
    for (auto it = m.entries.begin(); it != m.entries.end();)
        it = row_of(it->first) < 0 ? m.entries.erase(it) : std::next(it);
    if (m.entries.size() <= kMaxMapEntries) return;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> age;  // last_wanted, id: the oldest first
    for (const auto& [id, e] : m.entries)
        if (e.status != MapEntry::Status::Requested && e.last_wanted + 1 < m.frame) age.push_back({e.last_wanted, id});
    std::sort(age.begin(), age.end());
    for (std::size_t k = 0; k < age.size() && m.entries.size() > kMaxMapEntries; ++k) m.entries.erase(age[k].second);
}

bool maps_wanted() {
    return std::any_of(maps().entries.begin(), maps().entries.end(),
                       [](const auto& e) { return e.second.status == MapEntry::Status::Wanted; });
}

std::string take_map_requests() {
    nlohmann::json requests = nlohmann::json::array();
    for (auto& [id, e] : maps().entries) {
        if (e.status != MapEntry::Status::Wanted) continue;
        const int row = row_of(id);
        if (row < 0) continue;
        const FileRow& r = app().rows[static_cast<std::size_t>(row)];
        requests.push_back({{"id", id}, {"key", r.key}, {"page", r.page}, {"side", stratum::kMapViewSide}});
        e.status = MapEntry::Status::Requested;
    }
    return requests.dump();
}

void map_done(std::uint64_t id, const std::uint8_t* view_rgb, int width, int height, const double crop[4],
              const float* reconstructed, std::size_t reconstructed_size, const float* raw, std::size_t raw_size) {
    MapEntry* e = map_entry(id);
    if (e == nullptr || !has_maps()) return;
    const stratum::ModelCard& card = app().model.card;
    const std::size_t input = static_cast<std::size_t>(card.input.channels) * card.input.width * card.input.height;
    std::size_t positions = 0;
    for (const stratum::MapSpec& m : card.maps) positions += static_cast<std::size_t>(m.width) * m.height;
    if (width < 1 || height < 1 || reconstructed_size != input || raw_size != positions) {
        map_failed(id, "the graph's map outputs do not have the sizes its card gives");
        return;
    }
    e->view.image = stratum::Image{};
    e->view.image.width = width;
    e->view.image.height = height;
    e->view.image.channels = 3;
    e->view.image.pixels.assign(view_rgb, view_rgb + static_cast<std::size_t>(width) * height * 3);
    e->view.crop_x = crop[0];
    e->view.crop_y = crop[1];
    e->view.crop_width = crop[2];
    e->view.crop_height = crop[3];
    e->reconstructed.assign(reconstructed, reconstructed + reconstructed_size);
    e->raw.clear();
    for (const stratum::MapSpec& m : card.maps) {
        const std::size_t n = static_cast<std::size_t>(m.width) * m.height;
        e->raw.emplace_back(raw, raw + n);
        raw += n;
    }
    e->status = MapEntry::Status::Ready;
    e->error.clear();
    e->drawn_map = -1;
    e->reconstruction = stratum::Image{};
    ++e->version;
}

void map_failed(std::uint64_t id, const std::string& message) {
    MapEntry* e = map_entry(id);
    if (e == nullptr) return;
    e->status = MapEntry::Status::Failed;
    e->error = message;
}

MapEntry* map_entry(std::uint64_t id) {
    const auto it = maps().entries.find(id);
    return it == maps().entries.end() ? nullptr : &it->second;
}

std::vector<float> map_values(const MapEntry& entry, int map) {
    const stratum::ModelCard& card = app().model.card;
    if (entry.status != MapEntry::Status::Ready || map < 0 || static_cast<std::size_t>(map) >= card.maps.size() ||
        static_cast<std::size_t>(map) >= entry.raw.size())
        return {};
    const std::vector<float>& raw = entry.raw[static_cast<std::size_t>(map)];
    return stratum::map_at_input(raw.data(), raw.size(), card.maps[static_cast<std::size_t>(map)], card.input);
}

void draw_map_images(MapEntry& entry) {
    MapsState& m = maps();
    const stratum::ModelCard& card = app().model.card;
    if (entry.status != MapEntry::Status::Ready || card.maps.empty()) return;
    m.choice = std::min(std::max(m.choice, 0), static_cast<int>(card.maps.size()) - 1);
    if (entry.reconstruction.pixels.empty()) {
        entry.reconstruction = stratum::reconstruction_view(entry.reconstructed.data(), entry.reconstructed.size(), entry.view, card.input);
        ++entry.version;
    }
    if (entry.drawn_map == m.choice && entry.drawn_opacity == m.opacity) return;
    const stratum::MapSpec& spec = card.maps[static_cast<std::size_t>(m.choice)];
    if (entry.drawn_map != m.choice) entry.values = map_values(entry, m.choice);
    entry.overlay = stratum::overlay_map(entry.view, entry.values, card.input, spec.threshold, m.opacity);
    entry.drawn_map = m.choice;
    entry.drawn_opacity = m.opacity;
    ++entry.version;
}

float largest_map_value(const MapEntry& entry) {
    return entry.values.empty() ? 0.0f : *std::max_element(entry.values.begin(), entry.values.end());
}

std::vector<std::size_t> top_rows(std::size_t count) {
    const AppState& s = app();
    std::vector<std::size_t> rows;
    for (std::size_t i = 0; i < s.rows.size(); ++i)
        if (s.rows[i].status == FileRow::Status::Scored) rows.push_back(i);
    const std::size_t n = std::min(count, rows.size());
    std::partial_sort(rows.begin(), rows.begin() + static_cast<long>(n), rows.end(),
                      [&](std::size_t a, std::size_t b) { return s.rows[a].score > s.rows[b].score; });
    rows.resize(n);
    return rows;
}

void forget_maps() {
    MapsState& m = maps();
    m.entries.clear();
    m.report_pending = false;
}

std::string maps_json(int row) {
    const MapsState& m = maps();
    nlohmann::json out;
    out["choice"] = m.choice;
    out["opacity"] = m.opacity;
    out["entries"] = nlohmann::json::array();
    const char* names[] = {"wanted", "requested", "ready", "failed"};
    for (const auto& [id, e] : m.entries) {
        nlohmann::json j{{"row", row_of(id)}, {"status", names[static_cast<int>(e.status)]}, {"error", e.error}};
        const std::vector<float> values = map_values(e, m.choice);
        if (!values.empty()) j["max"] = *std::max_element(values.begin(), values.end());
        out["entries"].push_back(j);
    }
    if (row >= 0 && static_cast<std::size_t>(row) < app().rows.size())
        if (const MapEntry* e = map_entry(app().rows[static_cast<std::size_t>(row)].id)) out["values"] = map_values(*e, m.choice);
    return out.dump();
}

}  // namespace web
