#include "report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "error.h"
#include "roc.h"
#include "run_files.h"

namespace stratum::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::vector<std::string> kScores = {"norm", "norm_deviation", "reconstruction", "feature",
                                          "combined", "pca_pixels", "brightness", "colour", "feature_max",
                                          "critic_gaussian", "critic_knn", "encoder_gaussian", "untrained_colour",
                                          "pixel_colour", "rotation"};

struct Stat {
    double mean = 0, sd = 0;
    int n = 0;
};

// Over the finite values only: cells evaluated before a score existed have none for it (NaN).
Stat stat_of(const std::vector<double>& all) {
    std::vector<double> v;
    for (double x : all)
        if (std::isfinite(x)) v.push_back(x);
    Stat s;
    s.n = static_cast<int>(v.size());
    if (v.empty()) return s;
    for (double x : v) s.mean += x;
    s.mean /= s.n;
    if (s.n > 1) {
        for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
        s.sd = std::sqrt(s.sd / (s.n - 1));
    }
    return s;
}

// A mean for the plots' tables; NaN (which gnuplot leaves out) where no value was measured.
std::string mean_text(const Stat& s) { return s.n ? std::to_string(s.mean) : "NaN"; }

std::string cell_text(const Stat& s) {
    char b[48];
    if (s.n == 0) return "";
    if (s.n > 1) std::snprintf(b, sizeof b, "%.3f ± %.3f", s.mean, s.sd);
    else std::snprintf(b, sizeof b, "%.3f", s.mean);
    return b;
}

double auroc_of(const json& final_eval, const std::string& score) {
    for (const json& s : final_eval.at("scores"))
        if (s.at("name") == score) return s.at("auroc").get<double>();
    return NAN;
}

void run_gnuplot(const std::string& script_path) {
    if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) return;
    const std::string command = "gnuplot '" + script_path + "'";
    if (std::system(command.c_str()) != 0) throw Error("gnuplot failed on " + script_path);
}

}  // namespace

std::string write_report(const ReportOptions& o) {
    fs::create_directories(o.out_dir);
    std::ostringstream md;
    for (const std::string& dir : o.study_dirs) {
        const json spec = json::parse(read_text_file(dir + "/spec.json"));
        const std::string name = spec.at("name");
        std::vector<json> cells;
        for (const auto& entry : fs::directory_iterator(dir + "/cells"))
            if (fs::exists(entry.path() / "result.json")) cells.push_back(json::parse(read_text_file((entry.path() / "result.json").string())));
        std::sort(cells.begin(), cells.end(), [](const json& a, const json& b) { return a.at("cell") < b.at("cell"); });
        md << "### " << name << ": " << spec.at("dataset_label").get<std::string>() << ", "
           << spec.at("protocol").get<std::string>() << "\n\n";
        md << cells.size() << " finished cells; " << spec.at("images").get<long long>() << " images per run, widths:";
        for (const json& w : spec.at("widths"))
            md << " " << w.at("name").get<std::string>() << " (fmap_base " << w.at("fmap_base") << ", fmap_max "
               << w.at("fmap_max") << ", latent " << w.at("latent") << ")";
        md << ". AUROC on the held-out test split (larger score = anomalous), mean ± sd over seeds.\n\n";
        if (cells.empty()) continue;

        // Table: (class, width, contamination) rows, one column per score.
        std::map<std::tuple<std::string, std::string, double>, std::map<std::string, std::vector<double>>> table;
        std::map<std::tuple<std::string, std::string, double>, std::vector<double>> spearman;
        for (const json& c : cells) {
            const auto key = std::make_tuple(c.at("class").get<std::string>(), c.at("width").get<std::string>(),
                                             c.at("contamination").get<double>());
            for (const std::string& s : kScores) table[key][s].push_back(auroc_of(c.at("final"), s));
            spearman[key].push_back(c.at("final").at("spearman_norm_brightness_normal").get<double>());
        }
        md << "| class | width | contamination |";
        for (const std::string& s : kScores) md << " " << s << " |";
        md << " Spearman(norm, brightness) |\n|---|---|---|";
        for (std::size_t i = 0; i <= kScores.size(); ++i) md << "---|";
        md << "\n";
        for (const auto& [key, scores] : table) {
            md << "| " << std::get<0>(key) << " | " << std::get<1>(key) << " | " << std::get<2>(key) << " |";
            for (const std::string& s : kScores) md << " " << cell_text(stat_of(scores.at(s))) << " |";
            md << " " << cell_text(stat_of(spearman[key])) << " |\n";
        }
        md << "\n";

        // AUROC against contamination, averaged over classes and seeds (per width).
        std::set<std::string> widths;
        for (const json& c : cells) widths.insert(c.at("width").get<std::string>());
        for (const std::string& width : widths) {
            const std::string stem = o.out_dir + "/" + name + "_" + width;
            std::map<double, std::map<std::string, std::vector<double>>> by_p;
            std::map<long long, std::map<std::string, std::vector<double>>> by_images;
            for (const json& c : cells) {
                if (c.at("width") != width) continue;
                for (const std::string& s : kScores) by_p[c.at("contamination").get<double>()][s].push_back(auroc_of(c.at("final"), s));
                for (const json& point : c.at("curve"))
                    for (const std::string& s : kScores)
                        by_images[point.at("images").get<long long>() / 1000 * 1000][s].push_back(
                            point.at("auroc").contains(s) ? point.at("auroc").at(s).get<double>() : NAN);
            }
            std::ostringstream tsv_p, tsv_i;
            tsv_p << "# contamination";
            tsv_i << "# images";
            for (const std::string& s : kScores) tsv_p << "\t" << s, tsv_i << "\t" << s;
            tsv_p << "\n";
            tsv_i << "\n";
            for (const auto& [p, scores] : by_p) {
                tsv_p << p;
                for (const std::string& s : kScores) tsv_p << "\t" << mean_text(stat_of(scores.at(s)));
                tsv_p << "\n";
            }
            for (const auto& [images, scores] : by_images) {
                tsv_i << images;
                for (const std::string& s : kScores) tsv_i << "\t" << mean_text(stat_of(scores.at(s)));
                tsv_i << "\n";
            }
            write_file_atomic(stem + "_contamination.tsv", tsv_p.str());
            write_file_atomic(stem + "_training.tsv", tsv_i.str());
            std::ostringstream gp;
            gp << "set terminal pngcairo size 900,520 font 'DejaVu Sans,11' noenhanced\nset key outside right\nset grid\n"
               << "set yrange [0:1]\nset ylabel 'AUROC (mean over classes and seeds)'\n";
            gp << "set output '" << stem << "_contamination.png'\nset xlabel 'contamination (anomaly share of training set)'\n"
               << "set title '" << name << " " << width << ": AUROC against contamination'\nplot ";
            for (std::size_t i = 0; i < kScores.size(); ++i)
                gp << (i ? ", " : "") << "'" << stem << "_contamination.tsv' using 1:" << i + 2 << " with linespoints lw 2 title '"
                   << kScores[i] << "'";
            gp << "\nset output '" << stem << "_training.png'\nset xlabel 'images seen'\n"
               << "set title '" << name << " " << width << ": AUROC along training'\nplot ";
            for (std::size_t i = 0; i < kScores.size(); ++i)
                gp << (i ? ", " : "") << "'" << stem << "_training.tsv' using 1:" << i + 2 << " with linespoints lw 2 title '"
                   << kScores[i] << "'";
            gp << "\n";
            write_file_atomic(stem + ".gp", gp.str());
            if (o.plots) run_gnuplot(stem + ".gp");
            md << "![" << name << " " << width << " AUROC against contamination](" << fs::path(stem).filename().string()
               << "_contamination.png) ![" << name << " " << width << " AUROC along training]("
               << fs::path(stem).filename().string() << "_training.png)\n\n";
        }

        // Norm histograms and ROC curves of the first cell with per-image scores.
        for (const json& c : cells) {
            const json& f = c.at("final");
            if (!f.contains("samples")) continue;
            const std::string stem = o.out_dir + "/" + name + "_" + c.at("cell").get<std::string>();
            std::ostringstream hist;
            for (const json& s : f.at("scores"))
                if (s.at("name") == "norm") {
                    const json &hn = s.at("histogram_normal"), &ha = s.at("histogram_anomalous");
                    const double lo = hn.at("lo"), hi = hn.at("hi");
                    const std::size_t bins = hn.at("counts").size();
                    double total_n = 0, total_a = 0;
                    for (std::size_t i = 0; i < bins; ++i) total_n += hn.at("counts")[i].get<double>(), total_a += ha.at("counts")[i].get<double>();
                    for (std::size_t i = 0; i < bins; ++i)
                        hist << lo + (static_cast<double>(i) + 0.5) * (hi - lo) / bins << "\t"
                             << hn.at("counts")[i].get<double>() / std::max(total_n, 1.0) << "\t"
                             << ha.at("counts")[i].get<double>() / std::max(total_a, 1.0) << "\n";
                }
            write_file_atomic(stem + "_norm_hist.tsv", hist.str());
            std::vector<bool> labels = f.at("samples").at("anomalous").get<std::vector<bool>>();
            std::ostringstream roc;
            const auto& all = f.at("samples").at("scores");
            // Evaluations keep their scores in kScores order; older ones stop after the first seven.
            const std::size_t scored = std::min(kScores.size(), all.size());
            for (std::size_t k = 0; k < scored; ++k) {
                const std::vector<double> v = all.at(k).get<std::vector<double>>();
                for (const RocPoint& p : roc_curve(v, labels)) roc << p.fpr << "\t" << p.tpr << "\n";
                roc << "\n\n";  // gnuplot data blocks, one per score
            }
            write_file_atomic(stem + "_roc.tsv", roc.str());
            std::ostringstream gp;
            gp << "set terminal pngcairo size 900,520 font 'DejaVu Sans,11' noenhanced\nset grid\nset style fill transparent solid 0.4\n"
               << "set output '" << stem << "_norm_hist.png'\nset title '" << c.at("cell").get<std::string>()
               << ": ||E(x)|| of normal and anomalous test images'\nset xlabel '||E(x)||'\nset ylabel 'share of images'\n"
               << "plot '" << stem << "_norm_hist.tsv' using 1:2 with boxes title 'normal', '' using 1:3 with boxes title 'anomalous'\n"
               << "set output '" << stem << "_roc.png'\nset title '" << c.at("cell").get<std::string>() << ": ROC curves'\n"
               << "set xlabel 'false positive rate'\nset ylabel 'true positive rate'\nset key outside right\nset size ratio -1\nplot ";
            for (std::size_t k = 0; k < scored; ++k)
                gp << (k ? ", " : "") << "'" << stem << "_roc.tsv' index " << k << " with lines lw 2 title '" << kScores[k] << "'";
            gp << ", x with lines dt 2 lc 'grey' notitle\n";
            write_file_atomic(stem + "_plots.gp", gp.str());
            if (o.plots) run_gnuplot(stem + "_plots.gp");
            const std::string base = fs::path(stem).filename().string();
            md << "![" << base << " norm histogram](" << base << "_norm_hist.png) ![" << base << " ROC](" << base << "_roc.png)\n\n";
        }
    }
    write_file_atomic(o.out_dir + "/tables.md", md.str());
    return md.str();
}

}  // namespace stratum::train
