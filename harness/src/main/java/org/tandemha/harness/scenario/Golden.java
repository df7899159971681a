package org.tandemha.harness.scenario;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * A run's journaled decisions as {@code events.expect} keeps them: per node in pool order, the decisions since the
 * scenario's first command, with names for UUIDs and no timestamps; runs of parallel work (VM restarts, power resets)
 * sorted, a host declared dead placed just before the next start, a takeover's end before the restarts beside it,
 * and a decision repeated back to back (a retried fence) kept once — so a golden holds across runs.
 */
final class Golden {
  private Golden() {}

  /** The decision types kept, with the fields that identify each. */
  static final Map<String, List<String>> KEPT = Map.ofEntries(
      Map.entry("MasterLost", List.of("master")), Map.entry("SlaveLost", List.of("slave")),
      Map.entry("FenceDelayed", List.of("target")), Map.entry("FenceRequested", List.of("target")),
      Map.entry("FenceConfirmed", List.of("target")), Map.entry("FenceFailed", List.of("target")),
      Map.entry("PeerWatchdogAwaited", List.of("target")), Map.entry("PeerGoneByWatchdog", List.of("target")),
      Map.entry("OperatorDeclaredDead", List.of("host")),
      Map.entry("TakeoverStarted", List.of("lostMaster", "newMaster")),
      Map.entry("PromotedToMaster", List.of("newMaster", "oldMaster")),
      Map.entry("VmPowerResetIssued", List.of("name", "deadHost")),
      Map.entry("StorageTakenOver", List.of("lostMaster")),
      Map.entry("TakeoverFinished", List.of("lostMaster", "newMaster")),
      Map.entry("TakeoverRefused", List.of("lostMaster")), Map.entry("SlaveRecovered", List.of("slave")),
      Map.entry("VmRestarted", List.of("name", "on")), Map.entry("VappStarted", List.of("name")),
      Map.entry("Suspended", List.of("host")), Map.entry("SuspensionCleared", List.of("host")),
      Map.entry("ArmingChanged", List.of("armed")), Map.entry("IsolationHardStop", List.of("host")),
      Map.entry("LoneMasterReboot", List.of("host")), Map.entry("HostDeclaredDead", List.of("host")),
      Map.entry("DuplicateDomainDestroyed", List.of("name")),
      // Not the storage steps: the storage role actor runs them beside the takeover's power resets (timing).
      Map.entry("SplitBrain", List.of("resource", "detected")));

  static final String RESTARTED = "VmRestarted";
  static final java.util.Set<String> PARALLEL = java.util.Set.of(RESTARTED, "VmPowerResetIssued");
  /**
   * Journaled beside the power resets by another actor, so where it falls among them is timing: it is placed just
   * before the next start (what it is for: XAPI places vApp members only on live hosts), or at the end.
   */
  static final String DEFERRED = "HostDeclaredDead";
  static final java.util.Set<String> STARTS = java.util.Set.of(RESTARTED, "VappStarted");
  /**
   * The takeover's last step runs beside the first restarts it released, so a restart may be journaled just before it:
   * it is placed ahead of a run of restarts it interrupts, which then goes on after it.
   */
  static final String FINISHED = "TakeoverFinished";
  /**
   * Without replicated storage ({@code storage = true}) nothing holds a restart until the takeover's storage step
   * (there is no storage to wait for), so that step too may fall among the restarts; with it, a restart before the
   * storage moved is a different decision and still differs.
   */
  static final String STORAGE_STEP = "StorageTakenOver";

  static List<String> normalise(Scenario s, List<List<JournalTimeline.Entry>> journals, Instant t0) {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String host : s.hostsByName().keySet()) {
      List<String> lines = new ArrayList<>();
      List<String> run = new ArrayList<>();
      List<String> deferred = new ArrayList<>();
      String runType = "";
      for (JournalTimeline.Entry e : journals.get(i)) {
        if (JournalTimeline.atOf(e).isBefore(t0) || !KEPT.containsKey(e.type())) continue;
        StringBuilder b = new StringBuilder(host).append(": ").append(e.type());
        for (String f : KEPT.get(e.type())) b.append(' ').append(f).append('=').append(name(s, e.text(f)));
        String line = b.toString();
        if (e.type().equals(DEFERRED)) {
          deferred.add(line);
          continue;
        }
        boolean takeoverEnd = e.type().equals(FINISHED) || (!s.storage() && e.type().equals(STORAGE_STEP));
        if (takeoverEnd && runType.equals(RESTARTED)) {
          lines.add(line);
          continue;
        }
        if (STARTS.contains(e.type()) && !deferred.isEmpty()) {
          flush(lines, run);
          runType = "";
          lines.addAll(deferred);
          deferred.clear();
        }
        if (!e.type().equals(runType)) {
          flush(lines, run);
          runType = e.type();
        }
        if (PARALLEL.contains(e.type())) {
          run.add(line);
        } else {
          flush(lines, run);
          lines.add(line);
          collapseRepeats(lines);
        }
      }
      flush(lines, run);
      lines.addAll(deferred);
      if (s.goldenHosts().isEmpty() || s.goldenHosts().contains(host)) out.addAll(lines);
      i++;
    }
    return out;
  }

  /**
   * A retried decision — one line, or a cycle of up to four (lost, fence requested, failed, refused) — kept once:
   * how many retries fit in a wait is timing, not behaviour.
   */
  static void collapseRepeats(List<String> lines) {
    boolean again = true;
    while (again) {
      again = false;
      for (int p = 1; p <= 4 && 2 * p <= lines.size(); p++) {
        int n = lines.size();
        if (lines.subList(n - p, n).equals(lines.subList(n - 2 * p, n - p))) {
          lines.subList(n - p, n).clear();
          again = true;
          break;
        }
      }
    }
  }

  private static void flush(List<String> lines, List<String> run) {
    run.sort(null);
    lines.addAll(run);
    run.clear();
  }

  private static String name(Scenario s, String value) {
    if (value == null) return "";
    String h = s.hostName(value);
    if (!h.equals(value)) return h;
    return s.vmName(value);
  }

  /** The lines that differ, {@code - expected} / {@code + actual}, in order; empty when they are the same. */
  static List<String> diff(List<String> expected, List<String> actual) {
    List<String> exp = expected.stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    if (exp.equals(actual)) return List.of();
    // A longest-common-subsequence diff: small files, plain output.
    int n = exp.size();
    int m = actual.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int a = n - 1; a >= 0; a--) {
      for (int b = m - 1; b >= 0; b--) {
        lcs[a][b] = exp.get(a).equals(actual.get(b)) ? lcs[a + 1][b + 1] + 1 : Math.max(lcs[a + 1][b], lcs[a][b + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int a = 0;
    int b = 0;
    while (a < n || b < m) {
      if (a < n && b < m && exp.get(a).equals(actual.get(b))) {
        a++;
        b++;
      } else if (b < m && (a == n || lcs[a][b + 1] >= lcs[a + 1][b])) {
        out.add("+ " + actual.get(b++));
      } else {
        out.add("- " + exp.get(a++));
      }
    }
    return out;
  }
}
