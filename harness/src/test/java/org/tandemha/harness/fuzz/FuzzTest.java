package org.tandemha.harness.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.scenario.Scenario;

/**
 * Issue #10 item 4 in ops/test: 200 random schedules hold every invariant; planted faults in the decisions are
 * caught, shrunk, and written as scenario directories the scenario runner accepts; bad options change nothing.
 */
class FuzzTest {
  @Test
  void twoHundredSchedulesHoldEveryInvariant() {
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    FuzzRunner.Summary s = FuzzRunner.run(7, 200, Set.of(), new PrintStream(said, true, StandardCharsets.UTF_8));
    System.out.println(s.line(7) + " in " + s.millis() + " ms");
    assertEquals("fuzz: schedules=200 violations=0 seed=7", s.line(7), said.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aTakeoverWithoutAFenceIsCaughtShrunkAndWrittenAsAScenario(@TempDir Path out) throws Exception {
    FuzzRunner.Summary s = FuzzRunner.run(7, 40, EnumSet.of(FuzzWorld.Sabotage.SKIP_FENCE), new PrintStream(
        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    assertFalse(s.found().isEmpty(), "a takeover without a fence must violate an invariant");
    FuzzRunner.Found f = s.found().get(0);
    assertTrue(f.shrunk().faults().size() <= f.original().faults().size());
    assertFalse(new FuzzWorld(f.shrunk(), EnumSet.of(FuzzWorld.Sabotage.SKIP_FENCE)).run().isEmpty(),
        "the shrunk schedule still fails");
    Path dir = FuzzRunner.writeScenario(f, out);
    Scenario scenario = Scenario.load(dir);   // the scenario runner's own parser takes it
    assertTrue(scenario.readme().contains("fuzz --seed 7"), scenario.readme());
    assertTrue(Files.readString(dir.resolve("commands")).contains("expect running"));
  }

  @Test
  void aNodeThatAlwaysCountsItselfQuorateLetsBothHalvesOfATieTakeOver() {
    // Two hosts, no witness, no heuristics, POOL with watchdogs: a partition is an exact tie without a tie-break.
    FuzzSchedule s = new FuzzSchedule("tie", 1, 0, 2, 0, false, false,
        List.of(new FuzzSchedule.Vm("vm-a1", 0, true), new FuzzSchedule.Vm("vm-b1", 1, true)),
        List.of(new FuzzSchedule.Partition(5_000, 0, 1)));
    assertEquals(List.of(), new FuzzWorld(s, Set.of()).run(), "with the real gate the tie takes nothing over");
    List<String> v = new FuzzWorld(s, EnumSet.of(FuzzWorld.Sabotage.QUORUM_ALWAYS)).run();
    assertTrue(v.stream().anyMatch(x -> x.contains("two pool masters") || x.contains("although it still runs")),
        String.join("\n", v));
  }

  @Test
  void theSameSeedGivesTheSameSchedules() {
    assertEquals(FuzzSchedule.random(7, 3), FuzzSchedule.random(7, 3));
    assertFalse(FuzzSchedule.random(7, 3).equals(FuzzSchedule.random(8, 3)));
  }

  @Test
  void badOptionsAreRefusedWithExit2() {
    for (List<String> args : List.of(List.of("fuzz"), List.of("fuzz", "--seed", "x", "--schedules", "3"),
        List.of("fuzz", "--seed", "1"), List.of("fuzz", "--seed", "1", "--schedules", "0"),
        List.of("fuzz", "--seed", "1", "--schedules", "2", "--dance"), List.of("fuzz", "--seed"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int rc = FuzzRunner.main(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true,
          StandardCharsets.UTF_8));
      assertEquals(2, rc, args.toString());
      assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("tandem harness fuzz: "), err.toString());
    }
  }
}
