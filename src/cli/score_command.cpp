// `stratum score MODEL INPUTS...`: native scoring through the same core code the page uses: the same
// decoding, preprocessing, scores, rows, labels and CSV (results.h); the encoder is libtorch's
// (native_encoder.h), loaded with the graph's weights.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "anomaly_map.h"
#include "csv.h"
#include "command.h"
#include "dataset.h"
#include "error.h"
#include "option_checks.h"
#include "explain.h"
#include "image.h"
#include "image_write.h"
#include "intensity.h"
#include "native_encoder.h"
#include "preprocess.h"
#include "run_files.h"
#include "project.h"
#include "results.h"
#include "scoring.h"

namespace stratum::cli {
namespace fs = std::filesystem;

namespace {

struct ScoreOptions {
    std::string model;
    std::vector<std::string> inputs;  // files and folders (labels from the folders: label_for_path)
    std::string csv;                  // write CSV here ("-" = standard output) instead of the table
    std::string latents;              // also write the latents as TSV here
    std::string score;                // which of the card's scores drives score and verdict; "" = the card's default
    std::string input_range;          // "LO:HI" in the files' sample values, overriding the card's window; "" = the card's
    std::string maps;                 // write each image's map PNG (image | reconstruction | overlay) and values here
    std::string map;                  // which of the card's maps; "" = the card's default
    int map_size = kMapViewSide;      // the longer side of each panel, pixels
    double map_opacity = kDefaultMapOpacity;
    int batch = 64;
    int threads = 0;
    std::string device = "auto";
};

struct Row : ResultRow {
    bool counts = true;  // an error here makes the exit status 1 (not so for files that are no image)
};

Row make_row(const std::string& file, const std::string& label, const std::string& error, bool counts) {
    Row row;
    row.file = file;
    row.label = label;
    row.error = error;
    row.counts = counts;
    return row;
}

// One decoded page on its way to a row.
struct Page {
    std::string name, note;
    std::vector<float> input, latent;
    std::vector<double> extras;
};


// Where a page's map files go: DIR/<the folder given's name>/<the file's path inside it>, or DIR/<the
// file's name> for a file given alone, with ".pageK" for a page of a stack; then ".maps.png" and
// ".map.tsv". `name` is that path below DIR (map_names).
std::string map_file_base(const std::string& dir, const std::string& name, int index, int count) {
    std::string base = (fs::path(dir) / name).string();
    if (count > 1) base += ".page" + std::to_string(index + 1);
    return base;
}

// Each source's path below the maps folder (map_file_base): a folder keeps its own name and layout, so
// that nothing lands outside the maps folder whatever the inputs' paths.
std::vector<std::string> map_names(const std::vector<std::string>& inputs, const std::vector<train::ImageSource>& sources) {
    std::vector<std::string> names;
    for (const train::ImageSource& s : sources) {
        const fs::path location(s.location);
        std::string name = location.filename().string();
        for (const std::string& input : inputs) {
            std::error_code ec;
            if (!fs::is_directory(input, ec)) continue;
            const fs::path root = fs::path(input).lexically_normal();
            const fs::path inside = location.lexically_normal().lexically_relative(root);
            if (inside.empty() || *inside.begin() == "..") continue;
            fs::path folder = root.filename().empty() ? root.parent_path().filename() : root.filename();
            if (folder.empty() || folder == "." || folder == "..") folder = "input";
            name = (folder / inside).string();
            break;
        }
        names.push_back(name);
    }
    return names;
}

// The calibrated map at the input size as text: one line per row of pixels, tab-separated.
std::string map_tsv(const std::vector<float>& map, int width) {
    std::string text;
    char value[32];
    for (std::size_t i = 0; i < map.size(); ++i) {
        std::snprintf(value, sizeof value, "%.6g", static_cast<double>(map[i]));
        text += value;
        text += (i + 1) % static_cast<std::size_t>(width) == 0 ? "\n" : "\t";
    }
    return text;
}

// Writes the page's map files (see map_file_base): image | reconstruction | overlay, and the values.
void write_map_files(const std::string& base, const Image& image, const InputSpec& input, const ModelCard& card,
                     int map, const train::NativeEncoder::Encoded& e, const ScoreOptions& o) {
    const MapSpec& spec = card.maps[static_cast<std::size_t>(map)];
    const std::vector<float>& raw = e.maps.at(static_cast<std::size_t>(map));
    const std::vector<float> values = map_at_input(raw.data(), raw.size(), spec, input);
    const MapView view = make_map_view(image, input, o.map_size);
    const Image recon = reconstruction_view(e.reconstructed.data(), e.reconstructed.size(), view, input);
    const Image overlay = overlay_map(view, values, input, spec.threshold, o.map_opacity);
    const std::vector<std::uint8_t> png = encode_png(map_triptych(view, recon, overlay));
    fs::create_directories(fs::path(base).parent_path());
    train::write_file_atomic(base + ".maps.png", std::string(png.begin(), png.end()));
    train::write_file_atomic(base + ".map.tsv", map_tsv(values, input.width));
}

std::vector<train::ImageSource> expand_inputs(const std::vector<std::string>& inputs, std::vector<Row>& failures) {
    std::vector<train::ImageSource> sources;
    for (const std::string& input : inputs) {
        std::error_code ec;
        if (fs::is_directory(input, ec)) {
            try {
                const train::SourceListing listing = train::list_sources(input);
                sources.insert(sources.end(), listing.sources.begin(), listing.sources.end());
                for (const train::ListingProblem& p : listing.problems)
                    failures.push_back(make_row(p.location, "", p.message, !p.not_an_image));
            } catch (const Error& e) {
                // The row names the folder: its path is not repeated in the message.
                std::string message = e.what();
                if (message.rfind(input + ": ", 0) == 0) message.erase(0, input.size() + 2);
                failures.push_back(make_row(input, "", message, true));
            }
        } else if (fs::exists(input, ec)) {
            sources.push_back({input, ""});
        } else {
            failures.push_back(make_row(input, "", "no such file or folder", true));
        }
    }
    return sources;
}


// Every page of a multi-page TIFF is a row of its own ("cells.tif [page 3/12]"). Returns the exit
// status: 0 when every image was scored, 1 when some image could not be read (files that are no
// image at all are listed with their reason, and do not change the status).
int run_score(const ScoreOptions& o) {
    auto encoder = train::NativeEncoder::open(o.model, o.device, o.threads);
    const ModelCard& card = encoder->card();
    const int chosen = score_index(card, o.score.empty() ? card.default_score : o.score);
    const ScoreSpec spec = card_scores(card)[static_cast<std::size_t>(chosen)];
    const std::size_t extra_count = extra_outputs_width(card);  // values per image
    std::vector<Row> rows;
    const std::vector<train::ImageSource> sources = expand_inputs(o.inputs, rows);
    const std::vector<std::string> names_below_maps = o.maps.empty() ? std::vector<std::string>{} : map_names(o.inputs, sources);
    const bool tty = isatty(STDERR_FILENO);

    if (!o.map.empty() && o.maps.empty()) throw Error("--map chooses the map that --maps writes: give --maps DIR too");
    const int map = o.maps.empty() ? -1 : map_index(card, o.map.empty() ? card.default_map : o.map);
    InputSpec input = card.input;
    if (!o.input_range.empty()) input.window = parse_window(o.input_range, SampleType::Float32, "--input-range");
    const std::string window = window_text(input.window);

    // Decode and preprocess in parallel (the core's code). On the CPU each worker also encodes its
    // image alone, on one torch thread: a score never depends on which other files share the run
    // (batched convolutions sum in an order that depends on the batch). A GPU encodes in batches.
    // Maps are made per image, beside the decoded image they are drawn on (never all kept at once).
    const bool batched = encoder->on_gpu() && map < 0;
    const int workers = std::max(1, o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency()));
    if (!batched) encoder->set_threads(1);
    std::vector<std::vector<Page>> pages(sources.size());
    std::vector<std::string> errors(sources.size());
    std::atomic<std::size_t> next{0}, encoded{0};
    auto work = [&]() {
        for (std::size_t i; (i = next++) < sources.size();) {
            try {
                const std::vector<std::uint8_t> bytes = train::read_image_file(sources[i].location);
                decode_pages(bytes.data(), bytes.size(), card.input.channels, [&](Image&& image, int index, int count) {
                    Page page;
                    page.name = page_name(sources[i].location, index, count);
                    page.note = image_note(image, input.window);
                    page.input = preprocess(image, input);
                    if (!batched) {
                        train::NativeEncoder::Encoded e = encoder->encode(page.input.data(), 1, true, map >= 0);
                        if (map >= 0)
                            write_map_files(map_file_base(o.maps, names_below_maps[i], index, count), image, input, card, map, e, o);
                        page.latent = std::move(e.latents);
                        page.extras = std::move(e.extras);
                        page.input = {};
                    }
                    pages[i].push_back(std::move(page));
                });
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
            const std::size_t done = ++encoded;
            if (tty && !batched && (done % 64 == 0 || done == sources.size()))
                std::cerr << "\rscored " + std::to_string(done) + " / " + std::to_string(sources.size()) + " files" << std::flush;
        }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < workers; ++t) pool.emplace_back(work);
    for (std::thread& t : pool) t.join();

    // A file that fails part-way keeps the pages read before the failure, and a row for the failure.
    std::vector<std::pair<std::size_t, Page*>> good;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        for (Page& page : pages[i]) good.push_back({i, &page});
        if (!errors[i].empty()) rows.push_back(make_row(sources[i].location, sources[i].label, errors[i], true));
    }
    if (batched) {
        std::vector<float> batch;
        for (std::size_t start = 0; start < good.size(); start += static_cast<std::size_t>(o.batch)) {
            const std::size_t end = std::min(good.size(), start + static_cast<std::size_t>(o.batch));
            batch.clear();
            for (std::size_t k = start; k < end; ++k) batch.insert(batch.end(), good[k].second->input.begin(), good[k].second->input.end());
            const train::NativeEncoder::Encoded e = encoder->encode(batch.data(), static_cast<int>(end - start), true);
            for (std::size_t k = start; k < end; ++k) {
                const std::size_t at = k - start;
                Page& page = *good[k].second;
                page.latent.assign(e.latents.begin() + static_cast<long>(at * card.latent_size),
                                   e.latents.begin() + static_cast<long>((at + 1) * card.latent_size));
                page.extras.assign(e.extras.begin() + static_cast<long>(at * extra_count),
                                   e.extras.begin() + static_cast<long>((at + 1) * extra_count));
                page.input = {};
            }
            if (tty) std::cerr << "\rscored " << end << " / " << good.size() << std::flush;
        }
    }
    if (tty && !sources.empty()) std::cerr << "\n";
    for (const auto& [i, page] : good) {
        Row row = make_row(page->name, sources[i].label, "", true);
        row.note = page->note;
        row.input_range = window;
        try {
            row.score = score_outputs(page->latent.data(), static_cast<std::size_t>(card.latent_size), page->extras, card,
                                      chosen, spec.threshold.value);
            if (card.has_projection) {
                project(card.projection, page->latent.data(), row.pc);
                row.has_pc = true;
            }
            row.latent = std::move(page->latent);
        } catch (const Error& e) {
            row.error = e.what();
        }
        rows.push_back(std::move(row));
    }

    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.file < b.file; });
    std::size_t failed = 0, not_images = 0;
    for (const Row& r : rows)
        if (!r.error.empty()) {
            ++(r.counts ? failed : not_images);
            std::cerr << "stratum score: " << r.file << ": " << r.error << "\n";
        } else if (!r.note.empty()) {
            std::cerr << "stratum score: note: " << r.file << ": " << r.note << "\n";
        }
    char summary_text[600];
    std::snprintf(summary_text, sizeof summary_text,
                  "%zu scored, %zu flagged (threshold %.3f: %s), %zu could not be read, %zu no image; "
                  "intensity window %s",
                  rows.size() - failed - not_images,
                  static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(),
                                                         [](const Row& r) { return r.error.empty() && r.score.flagged; })),
                  spec.threshold.value, threshold_meaning(spec.threshold).c_str(), failed, not_images,
                  window.c_str());
    const std::string summary = summary_text;
    const std::vector<ResultRow> results(rows.begin(), rows.end());
    if (!o.csv.empty()) {
        ResultsContext context{card.name, spec.name, spec.threshold.value, {}};
        for (const ExtraScore& x : card.extra_scores) context.extra_scores.push_back(x.name);
        const std::string text = results_csv(results, context);
        if (o.csv == "-") std::cout << text << std::flush;
        else train::write_file_atomic(o.csv, text);
        std::cerr << "stratum score: score = the " << spec.name << " score, calibrated (" << spec.description << "); "
                  << calibrated_score_meaning() << "\n";
        std::cerr << "stratum score: " << summary << "\n";
    } else {
        std::printf("score = the %s score, calibrated against the training set (%s)\n", spec.name.c_str(),
                    spec.description.c_str());
        std::printf("%-40s %12s %9s  %-9s  %s\n", "file", "norm", "score", "verdict", "label");
        for (const ResultRow& r : results) {
            if (!r.error.empty()) continue;
            std::printf("%-40s %12.6f %+9.3f  %-9s  %s\n", name_field(r.file).c_str(), r.score.norm, r.score.score,
                        verdict(r).c_str(), name_field(r.label).c_str());
        }
        std::printf("%s\n", summary.c_str());
    }
    if (!o.latents.empty()) train::write_file_atomic(o.latents, latents_tsv(results, static_cast<std::size_t>(card.latent_size)));
    return failed == 0 ? 0 : 1;
}

}  // namespace

Command add_score_command(CLI::App& app) {
    auto o = std::make_shared<ScoreOptions>();
    CLI::App* sc = app.add_subcommand("score", "Score image files and folders with a trained encoder.");
    sc->footer("MODEL is a run folder (after `stratum export`) or an exported encoder.onnx with its .json card.\n"
               "A file's label: the nearest folder named with a label word (normal/, anomalous/, good/, defect/...),\n"
               "else the first subfolder of the folder given (a class name).\n"
               "Files are recognised by their content (PNG, JPEG, TIFF, BMP, GIF, TGA); every page of a TIFF stack is\n"
               "a row. Images that cannot be read are reported and the exit status is 1; files that are no image\n"
               "are listed with their reason. A note column says how a file was read (alpha composited over white,\n"
               "CMYK converted, orientation applied) and flags images outside or far inside the intensity window.\n"
               "The score column is the chosen score (--score, default: the card's default), calibrated against\n"
               "the training set: larger = more anomalous; verdict compares it with the card's threshold for that\n"
               "score. The raw value of every score the model offers follows in its own column.");
    sc->add_option("model", o->model, "Run folder or .onnx")->required();
    sc->add_option("inputs", o->inputs, "Image files and folders")->required();
    sc->add_option("--csv", o->csv,
                   "Write CSV here (- for stdout): file,norm,score,verdict,label,error, one column per extra score, pc1,pc2, input_range,note, model,score_name,threshold");
    sc->add_option("--score", o->score, "Which score drives score and verdict: norm or one the card lists (default: the card's)");
    sc->add_option("--latents", o->latents, "Also write every latent as TSV here");
    sc->add_option("--input-range", o->input_range,
                   "Intensity window LO:HI in the files' sample values, instead of the card's (e.g. 0:4095 for 12-bit "
                   "data in 16-bit files); the CSV's input_range column records the window used");
    CLI::Option* maps_option = sc->add_option("--maps", o->maps,
                   "Also write, per image, DIR/<its path>.maps.png (the image | its reconstruction G(E(x)) | the anomaly map "
                   "over the image, the model's crop marked by the dimmed outside) and DIR/<its path>.map.tsv (the calibrated "
                   "map at the model's input size, one line per pixel row); the page shows the same maps");
    sc->add_option("--map", o->map, "Which of the card's maps --maps draws (pixel, feature_16, feature_4, ...; default: the card's)");
    sc->add_option("--map-size", o->map_size, "The longer side of each panel of the maps PNG, in pixels")
        ->capture_default_str()->check(CLI::Range(16, 4096))->needs(maps_option);
    sc->add_option("--map-opacity", o->map_opacity, "How strongly the map covers the image, 0-1")
        ->capture_default_str()->check(between(0, 1))->needs(maps_option);
    sc->add_option("--batch", o->batch, "Images per encoder call on a GPU (on the CPU each image is encoded alone: its score never depends on the other files)")->capture_default_str()->check(CLI::PositiveNumber);
    add_compute_options(sc, o->threads, o->device);

    return {sc, [o]() { return run_score(*o); }};
}

}  // namespace stratum::cli
