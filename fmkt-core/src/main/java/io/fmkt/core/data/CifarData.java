package io.fmkt.core.data;

/** The training and test split of a CIFAR-10-layout data set. */
public record CifarData(ImageSet train, ImageSet test) {
}
