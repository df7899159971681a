package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.HaJournal;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * Issue #6 item 5: the node's decision journal snapshots its standing every 500 events into the file snapshot
 * store (the newest two kept), and a restarted node recovers the same standing — the snapshots are what lets
 * old journal segments expire.
 */
class HaJournalSnapshotTest {
  static final HostId SELF = new HostId("7c4e1a9b-2d6f-4b3a-8e5c-000000000b02");

  @TempDir
  Path tmp;

  Config config(Path dir) {
    String d = dir.toAbsolutePath().toString().replace("\\", "/");
    return ConfigFactory.parseString("""
        akka.actor.provider = local
        akka.persistence.journal.plugin = "tandem.journal.plugin"
        akka.persistence.snapshot-store.plugin = "tandem.snapshot-store.plugin"
        tandem.journal.dir = "%s"
        tandem.node.host-uuid = "%s"
        """.formatted(d, SELF.uuid())).withFallback(ConfigFactory.defaultApplication()).withFallback(
        ConfigFactory.defaultReference()).resolve();
  }

  @Test
  void theStandingSurvivesARestartThroughSnapshots() throws Exception {
    Path dir = tmp.resolve("journal");
    ActorTestKit kit = ActorTestKit.create("HaJournalSnapshotTest", config(dir));
    try {
      ActorRef<HaJournal.Command> j = kit.spawn(HaJournal.create(SELF));
      TestProbe<Done> done = kit.createTestProbe();
      Instant t = Instant.parse("2026-11-29T03:00:00Z");
      for (int i = 0; i < 1000; i++) {
        j.tell(new HaJournal.Record(new HaEvent.QuorumEvaluated(2, 2, true, List.of("nodes 2/2"), "standing", t), done.ref()));
      }
      j.tell(new HaJournal.Record(new HaEvent.ArmingChanged(false, "operator", t), done.ref()));
      for (int i = 0; i < 1001; i++) done.expectMessage(Duration.ofSeconds(30), Done.getInstance());
    } finally {
      kit.shutdownTestKit();
    }
    Path snaps = dir.resolve("snapshots").resolve(URLEncoder.encode("Ha|" + SELF.uuid(), StandardCharsets.UTF_8));
    try (Stream<Path> s = Files.list(snaps)) {
      assertEquals(List.of(500L, 1000L), s.map(p -> Long.parseLong(p.getFileName().toString().split("-")[0]))
          .sorted().toList(), "a snapshot every 500 events, the newest two kept");
    }

    ActorTestKit again = ActorTestKit.create("HaJournalSnapshotTest2", config(dir));
    try {
      ActorRef<HaJournal.Command> j = again.spawn(HaJournal.create(SELF));
      TestProbe<HaJournal.Standing> standing = again.createTestProbe();
      j.tell(new HaJournal.GetStanding(standing.ref()));
      HaJournal.Standing s = standing.receiveMessage(Duration.ofSeconds(30));
      assertFalse(s.armed(), "disarmed, as journaled last");
    } finally {
      again.shutdownTestKit();
    }
  }
}
