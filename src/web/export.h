// What the page downloads: the results as CSV and the latents as TSV, built by the core's CSV code.
#pragma once
#include <string>

namespace web {

std::string results_csv();   // stratum::results_csv of the finished rows: the CLI's columns
std::string latents_tsv();   // stratum::latents_tsv: a header, then file and one column per latent value

}  // namespace web
