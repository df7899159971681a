package org.tandemha.harness.fuzz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * One randomized run of issue #10 item 4: a pool (2–5 hosts, a witness or not, IP heuristics or not, power fences or
 * POOL with every host's watchdog, VMs with and without HA) and a fault schedule over its first minute. Everything
 * follows from the seed and the schedule's index, so a violation is reproduced from the same two numbers.
 */
public record FuzzSchedule(String name, long seed, int index, int hosts, int witnesses, boolean heuristics,
                           boolean powerFence, List<Vm> vms, List<Fault> faults) {
  public FuzzSchedule {
    vms = List.copyOf(vms);
    faults = List.copyOf(faults);
  }

  public static final String[] HOST_NAMES = {"xa", "xb", "xc", "xd", "xe"};

  /** A VM: its name, the host it starts on (index), whether Tandem keeps it running. */
  public record Vm(String name, int host, boolean ha) {}

  /** A fault at a time (milliseconds from the start). Hosts are indices into {@link #HOST_NAMES}. */
  public sealed interface Fault {
    long at();

    /** The same fault as a line of a scenario's {@code commands} file. */
    String command();
  }

  public record Power(long at, int host, boolean on) implements Fault {
    @Override public String command() { return "power " + HOST_NAMES[host] + (on ? " on" : " off"); }
  }

  /** The host cut from every host, the gateway and the witnesses (or mended). */
  public record Network(long at, int host, boolean on) implements Fault {
    @Override public String command() { return "network " + HOST_NAMES[host] + (on ? " on" : " off"); }
  }

  /** Cluster and XAPI traffic cut between two hosts; witnesses and the gateway still reach both. */
  public record Partition(long at, int a, int b) implements Fault {
    @Override public String command() { return "partition " + HOST_NAMES[a] + " " + HOST_NAMES[b]; }
  }

  /** Every partition and network cut mended. */
  public record Heal(long at) implements Fault {
    @Override public String command() { return "heal"; }
  }

  public record XapiHang(long at, int host, boolean hang) implements Fault {
    @Override public String command() { return "xapi " + HOST_NAMES[host] + (hang ? " hang" : " unhang"); }
  }

  /** The host's power switch: works, fails every request, or answers only after {@link FuzzWorld#FENCE_SLOW_MS}. */
  public record Device(long at, int host, String mode) implements Fault {
    @Override public String command() {
      return mode.equals("slow") ? "fence-device " + HOST_NAMES[host] + " slow " + FuzzWorld.FENCE_SLOW_MS
          : "fence-device " + HOST_NAMES[host] + " " + mode;
    }
  }

  /** Every host cut from the witnesses (or reconnected). */
  public record Witness(long at, boolean on) implements Fault {
    @Override public String command() { return "witness " + (on ? "on" : "off"); }
  }

  /** The window in which faults happen; after it everything is mended and powered on, and liveness is judged. */
  public static final long FAULT_WINDOW_MS = 60_000;

  public static FuzzSchedule random(long seed, int index) {
    Random r = new Random(seed * 1_000_003L + index);
    int hosts = 2 + r.nextInt(4);
    int witnesses = r.nextInt(3) == 0 ? 0 : 1;
    boolean heuristics = r.nextInt(4) != 0;
    boolean powerFence = r.nextInt(5) != 0;
    List<Vm> vms = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      int n = 1 + r.nextInt(3);
      for (int v = 1; v <= n; v++) vms.add(new Vm("vm-" + HOST_NAMES[h].substring(1) + v, h, r.nextInt(5) != 0));
    }
    List<Fault> faults = new ArrayList<>();
    int count = 1 + r.nextInt(5);
    for (int i = 0; i < count; i++) {
      long at = 2_000 + 100L * r.nextInt((int) (FAULT_WINDOW_MS - 2_000) / 100);
      int h = r.nextInt(hosts);
      int other = (h + 1 + r.nextInt(hosts - 1)) % hosts;
      int kind = r.nextInt(100);
      Fault f;
      if (kind < 22) f = new Power(at, h, false);
      else if (kind < 32) f = new Power(at, h, true);
      else if (kind < 47) f = new Network(at, h, false);
      else if (kind < 55) f = new Network(at, h, true);
      else if (kind < 67) f = new Partition(at, h, other);
      else if (kind < 72) f = new Heal(at);
      else if (kind < 80) f = new XapiHang(at, h, true);
      else if (kind < 84) f = new XapiHang(at, h, false);
      else if (kind < 92) f = new Device(at, h, r.nextBoolean() ? "broken" : "slow");
      else if (kind < 94) f = new Device(at, h, "ok");
      else f = new Witness(at, r.nextInt(3) != 0 ? false : true);
      faults.add(f);
    }
    faults.sort(Comparator.comparingLong(Fault::at));
    return new FuzzSchedule("fuzz-" + seed + "-" + index, seed, index, hosts, witnesses, heuristics, powerFence, vms,
        faults);
  }

  public FuzzSchedule withFaults(List<Fault> fewer) {
    return new FuzzSchedule(name, seed, index, hosts, witnesses, heuristics, powerFence, vms, fewer);
  }

  /** One line for the fuzz report. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    b.append(hosts).append(" hosts, ").append(witnesses).append(witnesses == 1 ? " witness, " : " witnesses, ")
        .append(heuristics ? "IP heuristics, " : "no heuristics, ")
        .append(powerFence ? "power fences, " : "POOL with watchdogs, ").append(vms.size()).append(" VMs; faults:");
    for (Fault f : faults) b.append(String.format(" [%.1fs %s]", f.at() / 1000.0, f.command()));
    return b.toString();
  }
}
