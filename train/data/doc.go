// Package data reads the image classification data sets that evo evolves networks on, splits
// them into fixed training, validation and test sets, and produces normalised (and optionally
// augmented) float32 minibatches in NCHW layout for the trainer.
//
// Data sets (see Names):
//
//   - "digits": the UCI optical recognition of handwritten digits data set, 8×8 grey images with
//     values 0..16, 1,797 examples, embedded in the binary so that evo runs with no download.
//     Source: UCI Machine Learning Repository, E. Alpaydin and C. Kaynak (1998), "Optical
//     Recognition of Handwritten Digits", https://doi.org/10.24432/C50P49, licensed CC BY 4.0;
//     the file digits.csv.gz is the copy shipped by scikit-learn (Debian python3-sklearn,
//     sklearn/datasets/data/digits.csv.gz): one image per line, 64 pixel values then the label.
//     Pixels are rescaled from 0..16 to 0..255 (round(v·255/16)) so that every data set shares the
//     [0,1] = byte/255 scale.
//   - "cifar10", "cifar100": A. Krizhevsky (2009), "Learning Multiple Layers of Features from Tiny
//     Images", in the official binary layouts cifar-10-batches-bin/ and cifar-100-binary/ (CIFAR-100
//     uses the fine labels). Downloaded with MD5 verification when absent and Options.Download is set.
//   - "mnist", "fashion-mnist": Y. LeCun et al. (1998) and H. Xiao, K. Rasul, R. Vollgraf (2017)
//     "Fashion-MNIST", in the official idx files, gzipped or not, under mnist/ and fashion-mnist/.
//
// Splits. Evolution sees only Train (to fit weights) and Val (fitness); Test is never used by
// evolution. CIFAR: the first 45,000 training images train, the last 5,000 (the second half of
// data_batch_5.bin) validate, the official test set tests; this split is not class-balanced (on
// CIFAR-10 the validation classes hold 475–532 images each). MNIST and Fashion-MNIST: 55,000 / 5,000 / the official 10,000. Digits: a
// class-stratified permutation with the fixed seed DigitsSplitSeed into 1,257 / 270 / 270.
//
// Memory. Pixels stay uint8 (N×C×H×W) in memory; Batch produces normalised float32 on demand.
// Normalisation subtracts the per-channel mean and divides by the per-channel standard deviation,
// both computed from the training split in the [0,1] pixel scale. Augmentation (32×32 colour sets
// only) pads 4 zero-valued (black) pixels on every side, crops a random 32×32 window and flips it
// horizontally with probability 1/2, as in the common CIFAR pipelines; all randomness comes from
// the *rand.Rand the caller passes.
//
// This package uses the standard library only.
package data
