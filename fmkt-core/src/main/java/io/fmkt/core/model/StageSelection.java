package io.fmkt.core.model;

import java.util.Arrays;
import java.util.BitSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A subset of the ResNet stages {1,2,3,4} whose feature maps are distilled. The empty set is
 * Def-KT's logit-only KD; {1,2,3,4} is "all". Written as {@code none}, {@code all}, or {@code 1,3}.
 */
public record StageSelection(int[] stages) {
    public static final StageSelection NONE = new StageSelection(new int[0]);
    public static final StageSelection ALL = new StageSelection(new int[] {1, 2, 3, 4});

    public StageSelection {
        stages = stages.clone();
        BitSet seen = new BitSet();
        for (int s : stages) {
            if (s < 1 || s > CifarResNet18.STAGES) {
                throw new IllegalArgumentException("stage " + s + " is outside 1.." + CifarResNet18.STAGES);
            }
            if (seen.get(s)) {
                throw new IllegalArgumentException("stage " + s + " is listed twice");
            }
            seen.set(s);
        }
        Arrays.sort(stages);
    }

    /** The written form ({@link #toString()}) back; what the config and the command line carry. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    public static StageSelection parse(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("none") || s.isEmpty()) {
            return NONE;
        }
        if (s.equals("all")) {
            return ALL;
        }
        try {
            return new StageSelection(Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("layers '" + spec + "': expected none, all, or stages from 1..4 like 1,3");
        }
    }

    public boolean isEmpty() {
        return stages.length == 0;
    }

    public boolean contains(int stage) {
        return IntStream.of(stages).anyMatch(x -> x == stage);
    }

    @Override
    @com.fasterxml.jackson.annotation.JsonValue
    public String toString() {
        if (stages.length == 0) {
            return "none";
        }
        if (stages.length == CifarResNet18.STAGES) {
            return "all";
        }
        return IntStream.of(stages).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageSelection other && Arrays.equals(stages, other.stages);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(stages);
    }
}
