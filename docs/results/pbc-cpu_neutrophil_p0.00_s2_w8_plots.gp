set terminal pngcairo size 900,520 font 'DejaVu Sans,11' noenhanced
set grid
set style fill transparent solid 0.4
set output 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_norm_hist.png'
set title 'neutrophil_p0.00_s2_w8: ||E(x)|| of normal and anomalous test images'
set xlabel '||E(x)||'
set ylabel 'share of images'
plot 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_norm_hist.tsv' using 1:2 with boxes title 'normal', '' using 1:3 with boxes title 'anomalous'
set output 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.png'
set title 'neutrophil_p0.00_s2_w8: ROC curves'
set xlabel 'false positive rate'
set ylabel 'true positive rate'
set key outside right
set size ratio -1
plot 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 0 with lines lw 2 title 'norm', 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 1 with lines lw 2 title 'norm_deviation', 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 2 with lines lw 2 title 'reconstruction', 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 3 with lines lw 2 title 'feature', 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 4 with lines lw 2 title 'combined', 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 5 with lines lw 2 title 'pca_pixels', 'docs/results/pbc-cpu_neutrophil_p0.00_s2_w8_roc.tsv' index 6 with lines lw 2 title 'brightness', x with lines dt 2 lc 'grey' notitle
