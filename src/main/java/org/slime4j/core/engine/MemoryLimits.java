package org.slime4j.core.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * How much more memory this process may take before something kills it or an allocation fails, and what sets that
 * bound: the smallest of the RAM the kernel can still give (Linux {@code MemAvailable}), every memory cgroup above
 * the process (cgroup v2 {@code memory.max}, v1 {@code memory.limit_in_bytes}: SLURM's {@code --mem}, containers;
 * less what the group uses, page cache it can drop not counted), SLURM's own figure ({@code SLURM_MEM_PER_NODE}, or
 * {@code SLURM_MEM_PER_CPU} × the job's CPUs, less this process's RSS) and the address-space limit ({@code ulimit
 * -v}, less this process's virtual size, which the JVM's reservations fill). Elsewhere (macOS, Windows) the
 * computer's RAM, since their free figures leave out what the system gives back on demand.
 *
 * <p>Reads come through a {@link Probe}, so tests give any machine's files and environment.
 */
public final class MemoryLimits {
    /** Bytes this process may still take, and what sets that bound (for messages: "the cgroup limit", ...). */
    public record Available(long bytes, String limitedBy) {
        @Override
        public String toString() {
            return gb(bytes) + " (" + limitedBy + ")";
        }
    }

    /** Where the figures come from: file contents by path (null when absent), the environment, the OS. */
    public interface Probe {
        String read(String path);

        Map<String, String> env();

        boolean linux();

        /** The computer's RAM in bytes (used where Linux's figures are not there). */
        long physicalMemory();
    }

    private MemoryLimits() {
    }

    /** What this process may still take, here and now. */
    public static Available available() {
        return available(SYSTEM);
    }

    /** What a process may still take on the machine {@code probe} describes. */
    public static Available available(Probe probe) {
        List<Available> bounds = new ArrayList<>();
        if (!probe.linux()) {
            return new Available(probe.physicalMemory(), "the computer's RAM");
        }
        kb(probe.read("/proc/meminfo"), "MemAvailable:").ifPresent(v -> bounds.add(new Available(v,
                "the RAM still available")));
        cgroups(probe, bounds);
        Map<String, String> env = probe.env();
        long rss = kb(probe.read("/proc/self/status"), "VmRSS:").orElse(0);
        OptionalLong slurm = slurmBytes(env);
        if (slurm.isPresent()) {
            bounds.add(new Available(slurm.getAsLong() - rss, "the SLURM job's memory (--mem " + gb(slurm.getAsLong())
                    + ")"));
        }
        OptionalLong addressSpace = addressSpaceLimit(probe.read("/proc/self/limits"));
        if (addressSpace.isPresent()) {
            long used = kb(probe.read("/proc/self/status"), "VmSize:").orElse(0);
            bounds.add(new Available(addressSpace.getAsLong() - used, "the address-space limit (ulimit -v "
                    + gb(addressSpace.getAsLong()) + ")"));
        }
        if (bounds.isEmpty()) {
            return new Available(probe.physicalMemory(), "the computer's RAM");
        }
        Available least = bounds.get(0);
        for (Available b : bounds) {
            if (b.bytes() < least.bytes()) {
                least = b;
            }
        }
        return new Available(Math.max(0, least.bytes()), least.limitedBy());
    }

    /** The memory cgroups of this process and their parents (v2, else v1), each as limit less what it uses. */
    private static void cgroups(Probe probe, List<Available> bounds) {
        String self = probe.read("/proc/self/cgroup");
        if (self == null) {
            return;
        }
        for (String line : self.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            boolean v2 = f[0].equals("0") && f[1].isEmpty() && probe.read("/sys/fs/cgroup/cgroup.controllers") != null;
            boolean v1 = List.of(f[1].split(",")).contains("memory");
            if (!v2 && !v1) {
                continue;
            }
            String root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
            String limitFile = v2 ? "memory.max" : "memory.limit_in_bytes";
            String usageFile = v2 ? "memory.current" : "memory.usage_in_bytes";
            String inactive = v2 ? "inactive_file" : "total_inactive_file";
            // the group's folder as mounted here: the full path, else (a namespaced mount) the root itself
            String path = f[2].equals("/") ? "" : f[2];
            while (probe.read(root + path + "/" + limitFile) == null && !path.isEmpty()) {
                path = path.substring(path.indexOf('/', 1) < 0 ? path.length() : path.indexOf('/', 1));
            }
            for (String p = path; ; p = p.substring(0, p.lastIndexOf('/'))) {
                long limit = number(probe.read(root + p + "/" + limitFile));
                long usage = number(probe.read(root + p + "/" + usageFile));
                if (limit > 0 && limit < (1L << 60) && usage >= 0) {
                    long cache = stat(probe.read(root + p + "/memory.stat"), inactive);
                    bounds.add(new Available(limit - (usage - cache), "the cgroup's memory limit ("
                            + gb(limit) + "; SLURM's --mem, a container's limit)"));
                }
                if (p.isEmpty()) {
                    break;
                }
            }
        }
    }

    /** SLURM's memory for this job on this node in bytes: per node, or per CPU × the CPUs here. */
    static OptionalLong slurmBytes(Map<String, String> env) {
        try {
            String perNode = env.get("SLURM_MEM_PER_NODE");
            if (perNode != null && !perNode.isBlank() && Long.parseLong(perNode.trim()) > 0) {
                return OptionalLong.of(Long.parseLong(perNode.trim()) << 20);
            }
            String perCpu = env.get("SLURM_MEM_PER_CPU");
            if (perCpu != null && !perCpu.isBlank()) {
                String cpus = env.getOrDefault("SLURM_CPUS_ON_NODE", env.getOrDefault("SLURM_CPUS_PER_TASK", "1"));
                return OptionalLong.of((Long.parseLong(perCpu.trim()) << 20) * Long.parseLong(cpus.trim()));
            }
        } catch (NumberFormatException e) {
            // not SLURM's figures: no bound from them
        }
        return OptionalLong.empty();
    }

    private static OptionalLong addressSpaceLimit(String limits) {
        if (limits == null) {
            return OptionalLong.empty();
        }
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max address space")) {
                String[] f = line.substring("Max address space".length()).trim().split("\\s+");
                return f[0].equals("unlimited") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(f[0]));
            }
        }
        return OptionalLong.empty();
    }

    /** A "Key:   123 kB" line of /proc's files, in bytes. */
    private static OptionalLong kb(String text, String key) {
        if (text != null) {
            for (String line : text.split("\n")) {
                if (line.startsWith(key)) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")) * 1024);
                }
            }
        }
        return OptionalLong.empty();
    }

    /** A cgroup file's number; -1 for "max", absent or unreadable. */
    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long stat(String text, String key) {
        if (text != null) {
            for (String line : text.split("\n")) {
                if (line.startsWith(key + " ")) {
                    return Long.parseLong(line.substring(key.length()).trim());
                }
            }
        }
        return 0;
    }

    /** "9.3 GB". */
    public static String gb(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    private static final Probe SYSTEM = new Probe() {
        @Override
        public String read(String path) {
            try {
                Path p = Path.of(path);
                return Files.isReadable(p) ? Files.readString(p) : null;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public Map<String, String> env() {
            return System.getenv();
        }

        @Override
        public boolean linux() {
            return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux");
        }

        @Override
        public long physicalMemory() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getTotalMemorySize();
        }
    };
}
