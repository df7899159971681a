package org.tandemha.harness.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * The invariants read from each node's journal (issue #10 item 3), beside the simulator's own record (two masters,
 * a VM on two hosts): no takeover step against a host without its confirmation (a fence read back off, its watchdog's
 * deadline, an operator's declaration) since it was last judged lost; no fence, takeover or VM start by a node while
 * it is suspended; no fence or takeover by a disarmed node.
 */
final class Invariants {
  private Invariants() {}

  static List<String> check(Scenario s, List<List<JournalTimeline.Entry>> journals) {
    List<String> out = new ArrayList<>();
    int i = 0;
    for (String host : s.hostsByName().keySet()) {
      List<JournalTimeline.Entry> j = journals.get(i++);
      Set<String> confirmed = new HashSet<>();
      boolean suspended = false;
      boolean disarmed = false;
      Map<String, Boolean> reported = new HashMap<>();
      for (JournalTimeline.Entry e : j) {
        String t = e.type();
        switch (t) {
          case "MasterLost" -> confirmed.remove(e.text("master"));
          case "SlaveLost" -> confirmed.remove(e.text("slave"));
          case "FenceConfirmed", "PeerGoneByWatchdog" -> confirmed.add(e.text("target"));
          case "OperatorDeclaredDead" -> confirmed.add(e.text("host"));
          case "Suspended" -> suspended = true;
          case "SuspensionCleared" -> suspended = false;
          case "ArmingChanged" -> disarmed = !e.event().path("armed").asBoolean(true);
          default -> { }
        }
        String against = switch (t) {
          case "TakeoverStarted", "TakeoverFinished" -> e.text("lostMaster");
          case "VmPowerResetIssued" -> e.text("deadHost");
          case "SlaveRecovered" -> e.text("slave");
          default -> null;
        };
        if (against != null && !confirmed.contains(against)) {
          add(out, reported, host + ": " + t + " against " + s.hostName(against) + " without a confirmation (fence, "
              + "watchdog deadline or operator) since it was judged lost");
        }
        if (suspended && (t.equals("FenceRequested") || t.equals("TakeoverStarted") || t.equals("VmRestartIssued"))) {
          add(out, reported, host + ": " + t + " while suspended");
        }
        if (disarmed && (t.equals("FenceRequested") || t.equals("TakeoverStarted"))) {
          add(out, reported, host + ": " + t + " while disarmed");
        }
      }
    }
    return out;
  }

  private static void add(List<String> out, Map<String, Boolean> reported, String what) {
    if (reported.put(what, true) == null) out.add("INVARIANT: " + what);
  }
}
