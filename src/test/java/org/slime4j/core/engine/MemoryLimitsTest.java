package org.slime4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a process may still take, on machines described by their files and environment: the RAM available, cgroup
 * v2 and v1 limits (a parent's too, page cache not counted, a namespaced mount), SLURM's memory per node and per
 * CPU, the address-space limit, and the computer's RAM off Linux; the smallest bound wins and is named.
 */
class MemoryLimitsTest {
    private static final long GB = 1_000_000_000L;

    /** A Linux machine with 16 GB available, a process of 1 GB RSS and 6 GB virtual size, no limits. */
    private static final class Machine implements MemoryLimits.Probe {
        final Map<String, String> files = new HashMap<>();
        final Map<String, String> env = new HashMap<>();
        boolean linux = true;

        Machine() {
            files.put("/proc/meminfo", "MemTotal:       32000000 kB\nMemAvailable:   " + 16 * GB / 1024 + " kB\n");
            files.put("/proc/self/status", "Name:\tjava\nVmSize:\t" + 6 * GB / 1024 + " kB\nVmRSS:\t" + GB / 1024
                    + " kB\n");
            files.put("/proc/self/limits", "Limit                     Soft Limit           Hard Limit           Units\n"
                    + "Max address space         unlimited            unlimited            bytes\n");
            files.put("/proc/self/cgroup", "0::/\n");
        }

        Machine with(String path, String text) {
            files.put(path, text);
            return this;
        }

        @Override
        public String read(String path) {
            return files.get(path);
        }

        @Override
        public Map<String, String> env() {
            return env;
        }

        @Override
        public boolean linux() {
            return linux;
        }

        @Override
        public long physicalMemory() {
            return 8 * GB;
        }
    }

    private static void assertAvailable(long bytes, String limitedBy, Machine m) {
        MemoryLimits.Available a = MemoryLimits.available(m);
        assertEquals(bytes, a.bytes(), a.toString());
        assertEquals(limitedBy, a.limitedBy());
    }

    @Test
    void withoutLimitsTheAvailableRamCounts() {
        assertAvailable(16 * GB / 1024 * 1024, "the RAM still available", new Machine());
    }

    @Test
    void cgroupV2LimitLessWhatTheGroupUsesNotCountingItsDroppableCache() {
        Machine m = new Machine().with("/sys/fs/cgroup/cgroup.controllers", "cpu memory")
                .with("/proc/self/cgroup", "0::/slurm/job_7\n")
                .with("/sys/fs/cgroup/slurm/job_7/memory.max", "4000000000\n")
                .with("/sys/fs/cgroup/slurm/job_7/memory.current", "1500000000\n")
                .with("/sys/fs/cgroup/slurm/job_7/memory.stat", "anon 1000000000\ninactive_file 500000000\n");
        assertAvailable(3 * GB, "the cgroup's memory limit (4.0 GB; SLURM's --mem, a container's limit)", m);
    }

    @Test
    void aParentGroupsLimitCountsWhenTighter() {
        Machine m = new Machine().with("/sys/fs/cgroup/cgroup.controllers", "memory")
                .with("/proc/self/cgroup", "0::/job/step\n")
                .with("/sys/fs/cgroup/job/step/memory.max", "max\n")
                .with("/sys/fs/cgroup/job/step/memory.current", "100\n")
                .with("/sys/fs/cgroup/job/memory.max", "2000000000\n")
                .with("/sys/fs/cgroup/job/memory.current", "1500000000\n");
        assertAvailable(GB / 2, "the cgroup's memory limit (2.0 GB; SLURM's --mem, a container's limit)", m);
    }

    @Test
    void aNamespacedMountIsReadAtItsRoot() {
        Machine m = new Machine().with("/sys/fs/cgroup/cgroup.controllers", "memory")
                .with("/proc/self/cgroup", "0::/docker/abc\n")
                .with("/sys/fs/cgroup/memory.max", "3000000000\n")
                .with("/sys/fs/cgroup/memory.current", "1000000000\n");
        assertAvailable(2 * GB, "the cgroup's memory limit (3.0 GB; SLURM's --mem, a container's limit)", m);
    }

    @Test
    void cgroupV1MemoryController() {
        Machine m = new Machine().with("/proc/self/cgroup", "4:memory:/slurm/uid_0/job_9\n1:cpu:/\n0::/\n")
                .with("/sys/fs/cgroup/memory/slurm/uid_0/job_9/memory.limit_in_bytes", "6000000000\n")
                .with("/sys/fs/cgroup/memory/slurm/uid_0/job_9/memory.usage_in_bytes", "2500000000\n")
                .with("/sys/fs/cgroup/memory/slurm/uid_0/job_9/memory.stat", "cache 1\ntotal_inactive_file "
                        + "500000000\n")
                .with("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n")
                .with("/sys/fs/cgroup/memory/memory.usage_in_bytes", "12000000000\n");
        assertAvailable(4 * GB, "the cgroup's memory limit (6.0 GB; SLURM's --mem, a container's limit)", m);
    }

    @Test
    void slurmsMemoryPerNodeOrPerCpuLessThisProcess() {
        Machine perNode = new Machine();
        perNode.env.put("SLURM_MEM_PER_NODE", "4096");
        assertAvailable(4096L * 1024 * 1024 - GB / 1024 * 1024, "the SLURM job's memory (--mem 4.3 GB)", perNode);
        Machine perCpu = new Machine();
        perCpu.env.put("SLURM_MEM_PER_CPU", "1000");
        perCpu.env.put("SLURM_CPUS_ON_NODE", "3");
        assertAvailable(3000L * 1024 * 1024 - GB / 1024 * 1024, "the SLURM job's memory (--mem 3.1 GB)", perCpu);
    }

    @Test
    void theAddressSpaceLimitLessThisProcesssVirtualSize() {
        Machine m = new Machine().with("/proc/self/limits", "Limit Soft Hard Units\n"
                + "Max address space         8000000000           unlimited            bytes\n");
        assertAvailable(8 * GB - 6 * GB / 1024 * 1024, "the address-space limit (ulimit -v 8.0 GB)", m);
    }

    @Test
    void offLinuxTheComputersRam() {
        Machine m = new Machine();
        m.linux = false;
        assertAvailable(8 * GB, "the computer's RAM", m);
    }
}
