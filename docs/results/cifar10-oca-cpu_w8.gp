set terminal pngcairo size 900,520 font 'DejaVu Sans,11' noenhanced
set key outside right
set grid
set yrange [0:1]
set ylabel 'AUROC (mean over classes and seeds)'
set output 'docs/results/cifar10-oca-cpu_w8_contamination.png'
set xlabel 'contamination (anomaly share of training set)'
set title 'cifar10-oca-cpu w8: AUROC against contamination'
plot 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:2 with linespoints lw 2 title 'norm', 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:3 with linespoints lw 2 title 'norm_deviation', 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:4 with linespoints lw 2 title 'reconstruction', 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:5 with linespoints lw 2 title 'feature', 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:6 with linespoints lw 2 title 'combined', 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:7 with linespoints lw 2 title 'pca_pixels', 'docs/results/cifar10-oca-cpu_w8_contamination.tsv' using 1:8 with linespoints lw 2 title 'brightness'
set output 'docs/results/cifar10-oca-cpu_w8_training.png'
set xlabel 'images seen'
set title 'cifar10-oca-cpu w8: AUROC along training'
plot 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:2 with linespoints lw 2 title 'norm', 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:3 with linespoints lw 2 title 'norm_deviation', 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:4 with linespoints lw 2 title 'reconstruction', 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:5 with linespoints lw 2 title 'feature', 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:6 with linespoints lw 2 title 'combined', 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:7 with linespoints lw 2 title 'pca_pixels', 'docs/results/cifar10-oca-cpu_w8_training.tsv' using 1:8 with linespoints lw 2 title 'brightness'
