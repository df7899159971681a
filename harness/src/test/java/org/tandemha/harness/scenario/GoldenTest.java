package org.tandemha.harness.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandemha.harness.demo.JournalTimeline;

/** Orders that are timing, not decisions, normalise to one golden; a different decision still differs. */
class GoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

  private static final String POOL =
      "hosts = [ { name = xa }, { name = xb } ], vms = [ { name = a1, host = xa }, { name = a2, host = xa } ]";
  private final Scenario s;
  private final Scenario replicated;   // storage = true: restarts wait for the storage step

  GoldenTest() throws Exception {
    s = Scenario.build("g", "r", ConfigFactory.parseString(POOL), "wait 1\n", Path.of("g"));
    replicated = Scenario.build("g", "r", ConfigFactory.parseString(POOL + "\nstorage = true"), "wait 1\n", Path.of("g"));
  }

  /** "Type k=v …" with names, one journal entry each, a second apart. */
  private List<JournalTimeline.Entry> journal(String... lines) {
    List<JournalTimeline.Entry> out = new ArrayList<>();
    int t = 1;
    for (String line : lines) {
      String[] w = line.split(" ");
      ObjectNode ev = JSON.createObjectNode();
      Instant at = T0.plusSeconds(t++);
      ev.put("at", at.toString());
      for (int i = 1; i < w.length; i++) {
        String[] kv = w[i].split("=");
        String v = kv[1];
        String uuid = v.startsWith("x") ? Scenario.uuid("host", "g", v) : Scenario.uuid("vm", "g", v);
        ev.put(kv[0], uuid);
      }
      out.add(new JournalTimeline.Entry(at, w[0], ev));
    }
    return out;
  }

  private List<String> golden(String... xbLines) {
    return golden(s, xbLines);
  }

  private List<String> golden(Scenario scenario, String... xbLines) {
    return Golden.normalise(scenario, List.of(journal(), journal(xbLines)), T0);
  }

  @Test
  void aRestartJournaledJustBeforeTheTakeoversEndIsTheSameGolden() {
    List<String> usual = golden("StorageTakenOver lostMaster=xa", "TakeoverFinished lostMaster=xa newMaster=xb",
        "VmRestarted name=a1 on=xb", "VmRestarted name=a2 on=xb");
    for (String[] order : List.of(
        new String[] {"StorageTakenOver lostMaster=xa", "VmRestarted name=a2 on=xb",
            "TakeoverFinished lostMaster=xa newMaster=xb", "VmRestarted name=a1 on=xb"},
        new String[] {"StorageTakenOver lostMaster=xa", "VmRestarted name=a1 on=xb", "VmRestarted name=a2 on=xb",
            "TakeoverFinished lostMaster=xa newMaster=xb"},
        new String[] {"StorageTakenOver lostMaster=xa", "TakeoverFinished lostMaster=xa newMaster=xb",
            "VmRestarted name=a2 on=xb", "VmRestarted name=a1 on=xb"})) {
      assertEquals(usual, golden(order), String.join(", ", order));
    }
    assertEquals(List.of("xb: StorageTakenOver lostMaster=xa", "xb: TakeoverFinished lostMaster=xa newMaster=xb",
        "xb: VmRestarted name=a1 on=xb", "xb: VmRestarted name=a2 on=xb"), usual);
  }

  @Test
  void aRestartBeforeTheStorageMovedStillDiffers() {
    List<String> usual = golden(replicated, "StorageTakenOver lostMaster=xa",
        "TakeoverFinished lostMaster=xa newMaster=xb", "VmRestarted name=a1 on=xb");
    List<String> early = golden(replicated, "VmRestarted name=a1 on=xb", "StorageTakenOver lostMaster=xa",
        "TakeoverFinished lostMaster=xa newMaster=xb");
    org.junit.jupiter.api.Assertions.assertNotEquals(usual, early);
  }

  /** old-master-returns once journaled app-a2's start between the power resets and the (empty) storage step. */
  @Test
  void withoutReplicatedStorageARestartBeforeTheStorageStepIsTheSameGolden() {
    List<String> usual = golden("VmPowerResetIssued name=a1 deadHost=xa", "VmPowerResetIssued name=a2 deadHost=xa",
        "StorageTakenOver lostMaster=xa", "TakeoverFinished lostMaster=xa newMaster=xb", "VmRestarted name=a1 on=xb",
        "VmRestarted name=a2 on=xb");
    assertEquals(usual, golden("VmPowerResetIssued name=a1 deadHost=xa", "VmPowerResetIssued name=a2 deadHost=xa",
        "VmRestarted name=a2 on=xb", "StorageTakenOver lostMaster=xa", "TakeoverFinished lostMaster=xa newMaster=xb",
        "VmRestarted name=a1 on=xb"));
    assertEquals(List.of("xb: VmPowerResetIssued name=a1 deadHost=xa", "xb: VmPowerResetIssued name=a2 deadHost=xa",
        "xb: StorageTakenOver lostMaster=xa", "xb: TakeoverFinished lostMaster=xa newMaster=xb",
        "xb: VmRestarted name=a1 on=xb", "xb: VmRestarted name=a2 on=xb"), usual);
  }

  @Test
  void aHostDeclaredDeadIsPlacedBeforeTheNextStart() {
    assertEquals(golden("VmPowerResetIssued name=a1 deadHost=xa", "HostDeclaredDead host=xa",
            "VmPowerResetIssued name=a2 deadHost=xa", "VmRestarted name=a1 on=xb"),
        golden("HostDeclaredDead host=xa", "VmPowerResetIssued name=a2 deadHost=xa",
            "VmPowerResetIssued name=a1 deadHost=xa", "VmRestarted name=a1 on=xb"));
  }
}
