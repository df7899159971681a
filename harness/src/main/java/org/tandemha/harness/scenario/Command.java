package org.tandemha.harness.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One line of a scenario's {@code commands} file: a timed action or an expectation. Hosts and VMs are named as in
 * {@code pool.conf}; times are seconds (decimals allowed).
 * <pre>
 *   wait S
 *   power HOST off|on              the host loses power (its node is killed) / is powered on (its node starts)
 *   network HOST off|on            the host is cut from every host, the gateway and the witnesses / all is healed
 *   partition A B                  XAPI and cluster traffic between A and B cut (witnesses unaffected)
 *   heal                           every partition and cut mended
 *   xapi HOST hang|unhang          the host's xapi stops answering / answers again
 *   xapi HOST|all slow MS [CALL]   every call on it (only CALL, e.g. VM.power_state_reset) delayed
 *   xapi HOST|all error CALL CODE N   the next N calls of CALL fail with CODE
 *   fence-device HOST broken|ok    the host's power switch fails / works (and is quick again)
 *   fence-device HOST slow MS      the host's power switch cuts the power only after MS milliseconds
 *   fence-device HOST lying        the host's power switch says "off" to every cut and read, and cuts nothing
 *   clock-jump HOST S              the host's wall clock steps by S seconds (negative: back), up to a day
 *   witness off|on                 every host is cut from the witnesses / reconnected (heal does that too)
 *   storage-link off|on            the storage replication link between the hosts cut / mended (heal does that too;
 *                                  network HOST off cuts that host's); needs storage = true
 *   admin HOST VERB…               `tandem VERB…` on HOST's node (its exit code is not checked; expect the outcome);
 *                                  an argument @HOST2 stands for HOST2's UUID
 *   expect running|halted VM within S
 *   expect halted VM for S         stays halted the whole time
 *   expect master HOST within S
 *   expect serving HOST within S   HOST holds the whole storage role: DRBD Primary, iSCSI target, floating IP
 *   expect powered HOST on|off within S
 *   expect journaled HOST TYPE within S
 *   expect not-journaled HOST TYPE for S
 * </pre>
 */
public sealed interface Command {
  record Wait(Duration time) implements Command {}
  record Power(String host, boolean on) implements Command {}
  record Network(String host, boolean on) implements Command {}
  record Partition(String a, String b) implements Command {}
  record Heal() implements Command {}
  record Xapi(String host, String mode, List<String> args) implements Command {}
  record FenceDevice(String host, boolean ok) implements Command {}
  /** The host's power switch works but takes {@code delay} to cut the power. */
  record SlowFenceDevice(String host, Duration delay) implements Command {}
  /** The host's power switch acknowledges every cut and reads "off", and cuts nothing (fence-device HOST ok mends it). */
  record LyingFenceDevice(String host) implements Command {}
  /** The host's wall clock steps by {@code by}; the monotonic time its timers run on does not. */
  record ClockJump(String host, Duration by) implements Command {}
  /** {@code host} empty: every host cut from (or reconnected to) the witnesses; else that host only. */
  record Witness(boolean on, String host) implements Command {}
  /** The storage replication link between the hosts cut ({@code on=false}) or mended. */
  record StorageLink(boolean on) implements Command {}
  /** The host cut from (or reconnected to) the heuristics address only. */
  record Gateway(String host, boolean on) implements Command {}
  /** The host's Tandem node only: SIGKILLed (host and xapi keep running), or started again. */
  record Node(String host, boolean start) implements Command {}
  record Admin(String host, List<String> args) implements Command {}
  /**
   * @param what    running, halted, master, serving, powered-on, powered-off, journaled, not-journaled
   * @param subject a VM or a host
   * @param type    the event type for journaled / not-journaled
   * @param holds   {@code for S}: must hold the whole time; otherwise {@code within S}: must come true by then
   */
  record Expect(String what, String subject, String type, Duration time, boolean holds, int line) implements Command {}

  static List<Command> parseAll(String scenario, String text, Set<String> hosts, Set<String> vms)
      throws Scenario.Invalid {
    List<Command> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String l = lines[i].replaceAll("#.*$", "").strip();
      if (l.isEmpty()) continue;
      try {
        out.add(parse(l.split("\\s+"), hosts, vms, i + 1));
      } catch (IllegalArgumentException e) {
        throw new Scenario.Invalid(scenario + "/commands line " + (i + 1) + ": \"" + l + "\": " + e.getMessage());
      }
    }
    if (out.isEmpty()) throw new Scenario.Invalid(scenario + "/commands: no command");
    return out;
  }

  private static Command parse(String[] w, Set<String> hosts, Set<String> vms, int line) {
    switch (w[0]) {
      case "wait" -> {
        arity(w, 2);
        return new Wait(seconds(w[1]));
      }
      case "power" -> {
        arity(w, 3);
        return new Power(host(w[1], hosts), onOff(w[2]));
      }
      case "network" -> {
        arity(w, 3);
        return new Network(host(w[1], hosts), onOff(w[2]));
      }
      case "partition" -> {
        arity(w, 3);
        return new Partition(host(w[1], hosts), host(w[2], hosts));
      }
      case "heal" -> {
        arity(w, 1);
        return new Heal();
      }
      case "xapi" -> {
        if (w.length < 3) throw new IllegalArgumentException("xapi HOST hang|unhang|slow MS|error CALL CODE N");
        String h = w[1].equals("all") ? "all" : host(w[1], hosts);
        switch (w[2]) {
          case "hang", "unhang" -> arity(w, 3);
          case "slow" -> {
            if (w.length != 4 && w.length != 5) throw new IllegalArgumentException("xapi HOST|all slow MS [CALL]");
            number("slow MS", w[3]);
            if (w.length == 5) xapiCall(w[4]);
          }
          case "error" -> {
            arity(w, 6);
            xapiCall(w[3]);
            number("error CALL CODE N: N", w[5]);
          }
          default -> throw new IllegalArgumentException("xapi: hang, unhang, slow or error, not " + w[2]);
        }
        if (h.equals("all") && (w[2].equals("hang") || w[2].equals("unhang"))) {
          throw new IllegalArgumentException("xapi all: only slow or error");
        }
        return new Xapi(h, w[2], List.of(w).subList(3, w.length));
      }
      case "fence-device" -> {
        if (w.length == 4 && w[2].equals("slow")) {
          long ms = number("slow MS", w[3]);
          if (ms < 1 || ms > 120_000) throw new IllegalArgumentException("slow MS: 1-120000 milliseconds, not " + w[3]);
          return new SlowFenceDevice(host(w[1], hosts), Duration.ofMillis(ms));
        }
        arity(w, 3);
        if (w[2].equals("lying")) return new LyingFenceDevice(host(w[1], hosts));
        if (!w[2].equals("broken") && !w[2].equals("ok")) {
          throw new IllegalArgumentException("broken, ok, lying or slow MS");
        }
        return new FenceDevice(host(w[1], hosts), w[2].equals("ok"));
      }
      case "witness" -> {
        if (w.length == 3) return new Witness(onOff(w[1]), host(w[2], hosts));
        arity(w, 2);
        return new Witness(onOff(w[1]), "");
      }
      case "clock-jump" -> {
        arity(w, 3);
        double by;
        try {
          by = Double.parseDouble(w[2]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("clock-jump HOST S: S is seconds, e.g. 3600 or -90, not \"" + w[2] + "\"");
        }
        if (by == 0 || Math.abs(by) > 86_400) throw new IllegalArgumentException("clock-jump: -86400 to 86400 seconds, not 0");
        return new ClockJump(host(w[1], hosts), Duration.ofMillis(Math.round(by * 1000)));
      }
      case "storage-link" -> {
        arity(w, 2);
        return new StorageLink(onOff(w[1]));
      }
      case "gateway" -> {
        arity(w, 3);
        return new Gateway(host(w[1], hosts), onOff(w[2]));
      }
      case "node" -> {
        arity(w, 3);
        if (!w[2].equals("kill") && !w[2].equals("start")) throw new IllegalArgumentException("node HOST kill|start");
        return new Node(host(w[1], hosts), w[2].equals("start"));
      }
      case "admin" -> {
        if (w.length < 3) throw new IllegalArgumentException("admin HOST VERB…");
        for (int i = 2; i < w.length; i++) if (w[i].startsWith("@")) host(w[i].substring(1), hosts);
        return new Admin(host(w[1], hosts), List.of(w).subList(2, w.length));
      }
      case "expect" -> {
        return expect(w, hosts, vms, line);
      }
      default -> throw new IllegalArgumentException("unknown command " + w[0]);
    }
  }

  private static Command expect(String[] w, Set<String> hosts, Set<String> vms, int line) {
    if (w.length < 5) throw new IllegalArgumentException("expect CONDITION within|for S");
    String kind = w[1];
    String when = w[w.length - 2];
    Duration time = seconds(w[w.length - 1]);
    if (!when.equals("within") && !when.equals("for")) throw new IllegalArgumentException("within S or for S");
    boolean holds = when.equals("for");
    switch (kind) {
      case "running", "halted" -> {
        arity(w, 5);
        if (!vms.contains(w[2])) throw new IllegalArgumentException("no VM " + w[2]);
        return new Expect(kind, w[2], "", time, holds, line);
      }
      case "master", "serving" -> {
        arity(w, 5);
        return new Expect(kind, host(w[2], hosts), "", time, holds, line);
      }
      case "powered" -> {
        arity(w, 6);
        return new Expect(onOff(w[3]) ? "powered-on" : "powered-off", host(w[2], hosts), "", time, holds, line);
      }
      case "journaled", "not-journaled" -> {
        arity(w, 6);
        if (kind.equals("not-journaled") != holds) {
          throw new IllegalArgumentException(kind.equals("journaled") ? "journaled … within S" : "not-journaled … for S");
        }
        if (!w[3].matches("[A-Z][A-Za-z]+")) throw new IllegalArgumentException("an event type, e.g. FenceConfirmed");
        return new Expect(kind, host(w[2], hosts), w[3], time, holds, line);
      }
      default -> throw new IllegalArgumentException("expect running|halted|master|serving|powered|journaled|not-journaled");
    }
  }

  /** A whole number, or a message that says which argument is not one (not Java's "For input string"). */
  private static int number(String what, String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " must be a whole number, not \"" + text + "\"");
    }
  }

  /** A fault aimed at a call name that XAPI cannot have would silently never fire: refused with the expected shape. */
  private static void xapiCall(String call) {
    if (!call.matches("[A-Za-z_]+\\.[a-z_]+")) {
      throw new IllegalArgumentException("CALL is an XAPI call such as VM.power_state_reset, not \"" + call + "\"");
    }
  }

  private static void arity(String[] w, int n) {
    if (w.length != n) throw new IllegalArgumentException("takes " + (n - 1) + " argument(s)");
  }

  private static String host(String h, Set<String> hosts) {
    if (!hosts.contains(h)) throw new IllegalArgumentException("no host " + h + " in pool.conf");
    return h;
  }

  private static boolean onOff(String s) {
    if (s.equals("on")) return true;
    if (s.equals("off")) return false;
    throw new IllegalArgumentException("on or off, not " + s);
  }

  private static Duration seconds(String s) {
    double d = Double.parseDouble(s);
    if (d < 0 || d > 600) throw new IllegalArgumentException("0-600 seconds, not " + s);
    return Duration.ofMillis(Math.round(d * 1000));
  }
}
