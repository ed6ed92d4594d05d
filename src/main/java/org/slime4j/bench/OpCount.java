package org.slime4j.bench;

import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine operations of one run of a phase, counted by libtorch's own profiler (DJL's
 * {@code JniUtils.startProfile}): the top-level operators are the calls Java makes into libtorch (an operator that
 * runs others inside it counts once), except the autograd engine's, which are the backward pass's nodes. With the phase's mean seconds (timed without the profiler) this gives the host time per call,
 * which on a small model (or a GPU, where kernels are fast) is what a step costs.
 *
 * @param calls        top-level operators called from Java
 * @param backward     nodes of the backward pass (autograd's engine evaluating a function)
 * @param insideCalls  seconds inside the top-level calls, as profiled (the profiler adds its own time there)
 * @param profiled     seconds of the profiled run
 * @param byName       the calls by operator name
 */
record OpCount(int calls, int backward, double insideCalls, double profiled, Map<String, Integer> byName) {
    /** Runs {@code op} once to warm up (caches filled, as in every later run), then once under the profiler. */
    static OpCount of(Runnable op) {
        op.run();
        try {
            Path trace = Files.createTempFile("slime-ops", ".json");
            try {
                JniUtils.startProfile(false, false, false);
                long t = System.nanoTime();
                op.run();
                double seconds = (System.nanoTime() - t) / 1e9;
                JniUtils.stopProfile(trace.toString());
                return count(trace, seconds);
            } finally {
                Files.deleteIfExists(trace);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The top-level events of a Chrome trace, per thread; those of autograd's engine are the backward pass. */
    static OpCount count(Path trace, double seconds) throws IOException {
        Map<String, List<Event>> byThread = new HashMap<>();
        try (Reader r = Files.newBufferedReader(trace)) {
            JsonElement root = JsonParser.parseReader(r);
            Iterable<JsonElement> events = root.isJsonArray() ? root.getAsJsonArray()
                    : root.getAsJsonObject().getAsJsonArray("traceEvents");
            for (JsonElement e : events) {
                JsonObject o = e.getAsJsonObject();
                if (o.has("dur") && "X".equals(o.get("ph").getAsString())) {
                    byThread.computeIfAbsent(o.get("tid").getAsString(), k -> new ArrayList<>()).add(new Event(
                            o.get("name").getAsString(), o.get("ts").getAsDouble(), o.get("dur").getAsDouble()));
                }
            }
        }
        int calls = 0;
        int backward = 0;
        Map<String, Integer> byName = new HashMap<>();
        double inside = 0;
        for (List<Event> events : byThread.values()) {
            for (Event e : topLevel(events)) {
                if (e.name().startsWith("autograd::")) {
                    backward++;
                } else {
                    calls++;
                    byName.merge(e.name(), 1, Integer::sum);
                }
                inside += e.dur() / 1e6;
            }
        }
        return new OpCount(calls, backward, inside, seconds, Map.copyOf(byName));
    }

    private record Event(String name, double ts, double dur) {
    }

    /** The events not inside another one of the same thread. */
    private static List<Event> topLevel(List<Event> events) {
        events.sort(Comparator.comparingDouble(Event::ts).thenComparingDouble(e -> -e.dur()));
        List<Event> tops = new ArrayList<>();
        double end = Double.NEGATIVE_INFINITY;
        for (Event e : events) {
            if (e.ts() >= end) {
                tops.add(e);
                end = e.ts() + e.dur();
            }
        }
        return tops;
    }

    /** One line: the counts and, from the phase's unprofiled mean {@code seconds}, the host time per call. */
    String describe(String phase, double seconds) {
        String perCall = Double.isNaN(seconds) ? "" : String.format("; %.1f µs per call (the phase's mean %.3f s / "
                + "calls)", seconds / calls * 1e6, seconds);
        return String.format("OPS %s: %d engine calls from Java, %d backward nodes%s; profiled: %.0f%% of the run "
                + "inside the calls, %.1f µs per call between them", phase, calls, backward, perCall,
                100 * insideCalls / profiled, (profiled - insideCalls) / calls * 1e6) + "\n  most called: "
                + byName.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(12)
                        .map(e -> e.getKey().replace("aten::", "") + " " + e.getValue())
                        .collect(java.util.stream.Collectors.joining(", "));
    }
}
