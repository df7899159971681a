package org.tandemha.controller.journal;

import akka.Done;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileJournalTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  static Config config(Path dir) {
    String d = dir.toAbsolutePath().toString().replace("\\", "/");
    return ConfigFactory.parseString(String.join("\n",
        "akka.actor.provider = local",
        "akka.loggers = [\"akka.event.slf4j.Slf4jLogger\"]",
        "akka.logging-filter = \"akka.event.slf4j.Slf4jLoggingFilter\"",
        "akka.loglevel = INFO",
        "akka.persistence.journal.plugin = \"tandem.journal\"",
        "akka.persistence.snapshot-store.plugin = \"akka.persistence.no-snapshot-store\"",
        "akka.actor.serialization-bindings { \"org.tandemha.controller.journal.JsonSerializable\" = jackson-json }",
        "tandem.journal {",
        "  class = \"org.tandemha.controller.journal.FileJournal\"",
        "  dir = \"" + d + "\"",
        "  node = \"node-a\"",
        "}"))
        .withFallback(ConfigFactory.load());
  }

  /** Runs body in a fresh ActorSystem on dir and always shuts it down (releases the journal file lock). */
  static void withSystem(Path dir, Consumer<ActorTestKit> body) {
    ActorTestKit kit = ActorTestKit.create("FileJournalTest", config(dir));
    try {
      body.accept(kit);
    } finally {
      kit.shutdownTestKit();
    }
  }

  /** Spawns Host|abc, expects the given recovery outcome prefix and returns the entity. */
  static ActorRef<TestEntity.Command> spawn(ActorTestKit kit, TestProbe<String> life, String expected) {
    ActorRef<TestEntity.Command> ref = kit.spawn(TestEntity.create("abc", life.ref()));
    String got = life.receiveMessage(WAIT);
    assertEquals(expected, got);
    return ref;
  }

  static void write3(ActorTestKit kit) {
    TestProbe<String> life = kit.createTestProbe();
    ActorRef<TestEntity.Command> ref = spawn(kit, life, "recovered:0");
    TestProbe<Done> done = kit.createTestProbe();
    ref.tell(new TestEntity.Add("h1", 1, done.ref()));
    done.expectMessage(WAIT, Done.getInstance());
    ref.tell(new TestEntity.Add("h2", 2, done.ref()));
    done.expectMessage(WAIT, Done.getInstance());
    ref.tell(new TestEntity.Remove("h1", done.ref()));
    done.expectMessage(WAIT, Done.getInstance());
  }

  static TestEntity.State getState(ActorTestKit kit, ActorRef<TestEntity.Command> ref) {
    TestProbe<TestEntity.State> p = kit.createTestProbe();
    ref.tell(new TestEntity.Get(p.ref()));
    return p.receiveMessage(WAIT);
  }

  static List<String> lines(Path dir) throws Exception {
    return Files.readAllLines(dir.resolve(FileJournal.FILE_NAME), StandardCharsets.UTF_8);
  }

  static List<Path> corruptFiles(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".corrupt")).toList();
    }
  }

  @Test
  void persistsRecoversAndWritesReadableJsonLines() throws Exception {
    Path dir = tmp.resolve("j");
    withSystem(dir, FileJournalTest::write3);

    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      ActorRef<TestEntity.Command> ref = spawn(kit, life, "recovered:3");
      assertEquals(new TestEntity.State(List.of("h2"), 3), getState(kit, ref));
    });

    List<String> lines = lines(dir);
    assertEquals(3, lines.size(), String.join("\n", lines));
    String[] types = {"HostAdded", "HostAdded", "HostRemoved"};
    for (int i = 0; i < 3; i++) {
      JsonNode n = JSON.readTree(lines.get(i));
      assertEquals("Host|abc", n.get("pid").asText());
      assertEquals(i + 1, n.get("seq").asLong());
      assertEquals(types[i], n.get("type").asText());
      assertEquals("node-a", n.get("node").asText());
      assertEquals(31, n.get("serializerId").asInt(), "jackson-json serializer id");
      assertEquals("ha-event", n.get("tags").get(0).asText());
      assertFalse(n.has("payloadBase64"), lines.get(i));
      assertTrue(n.get("event").isObject(), lines.get(i));
      assertTrue(n.get("crc").asText().matches("[0-9a-f]{8}"));
      Instant.parse(n.get("ts").asText());
    }
    assertEquals("h1", JSON.readTree(lines.get(0)).get("event").get("host").asText());
    assertEquals(2, JSON.readTree(lines.get(1)).get("event").get("weight").asInt());
    assertEquals("decommissioned \"quoted\" ünï", JSON.readTree(lines.get(2)).get("event").get("reason").asText());
    assertTrue(corruptFiles(dir).isEmpty());
  }

  @Test
  void tornTailIsQuarantinedAndJournalContinues() throws Exception {
    Path dir = tmp.resolve("j");
    withSystem(dir, FileJournalTest::write3);
    Path file = dir.resolve(FileJournal.FILE_NAME);
    long goodSize = Files.size(file);
    byte[] torn = "{\"pid\":\"Host|abc\",\"seq\":4,\"ts\":\"2026-11-22T04:3".getBytes(StandardCharsets.UTF_8);
    Files.write(file, torn, StandardOpenOption.APPEND);

    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      ActorRef<TestEntity.Command> ref = spawn(kit, life, "recovered:3");
      assertEquals(new TestEntity.State(List.of("h2"), 3), getState(kit, ref));
      TestProbe<Done> done = kit.createTestProbe();
      ref.tell(new TestEntity.Add("h3", 3, done.ref()));
      done.expectMessage(WAIT, Done.getInstance());
    });

    List<Path> corrupt = corruptFiles(dir);
    assertEquals(1, corrupt.size());
    assertTrue(corrupt.get(0).getFileName().toString().matches("events\\.jsonl\\.\\d+\\.corrupt"));
    assertArrayEquals(torn, Files.readAllBytes(corrupt.get(0)));
    List<String> lines = lines(dir);
    assertEquals(4, lines.size());
    assertTrue(Files.size(file) > goodSize);
    assertEquals(4, JSON.readTree(lines.get(3)).get("seq").asLong());

    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      ActorRef<TestEntity.Command> ref = spawn(kit, life, "recovered:4");
      assertEquals(new TestEntity.State(List.of("h2", "h3"), 4), getState(kit, ref));
    });
  }

  @Test
  void completeLastLineWithBadCrcIsQuarantined() throws Exception {
    Path dir = tmp.resolve("j");
    withSystem(dir, FileJournalTest::write3);
    List<String> lines = lines(dir);
    String bad = lines.get(2).replace("HostRemoved", "HostRemovex");
    Files.write(dir.resolve(FileJournal.FILE_NAME),
        (lines.get(0) + "\n" + lines.get(1) + "\n" + bad + "\n").getBytes(StandardCharsets.UTF_8));

    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      ActorRef<TestEntity.Command> ref = spawn(kit, life, "recovered:2");
      assertEquals(new TestEntity.State(List.of("h1", "h2"), 2), getState(kit, ref));
    });
    assertEquals(2, lines(dir).size());
    assertEquals(1, corruptFiles(dir).size());
    assertEquals(bad + "\n", Files.readString(corruptFiles(dir).get(0)));
  }

  @Test
  void corruptMiddleLineFailsRecoveryNamingTheLine() throws Exception {
    Path dir = tmp.resolve("j");
    withSystem(dir, FileJournalTest::write3);
    Path file = dir.resolve(FileJournal.FILE_NAME);
    List<String> lines = lines(dir);
    String edited = lines.get(1).replace("\"h2\"", "\"hX\"");
    assertFalse(edited.equals(lines.get(1)));
    byte[] before = (lines.get(0) + "\n" + edited + "\n" + lines.get(2) + "\n").getBytes(StandardCharsets.UTF_8);
    Files.write(file, before);

    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      kit.spawn(TestEntity.create("abc", life.ref()));
      String msg = life.receiveMessage(WAIT);
      assertTrue(msg.startsWith("failed:"), msg);
      assertTrue(msg.contains(file.toString()), msg);
      assertTrue(msg.contains("line 2"), msg);
    });
    // nothing was dropped or moved
    assertArrayEquals(before, Files.readAllBytes(file));
    assertTrue(corruptFiles(dir).isEmpty());
  }

  @Test
  void concurrentWritersFromManyEntitiesAreAllDurable() throws Exception {
    Path dir = tmp.resolve("j");
    int entities = 10;
    int perEntity = 5;
    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      TestProbe<Done> done = kit.createTestProbe();
      List<ActorRef<TestEntity.Command>> refs = new ArrayList<>();
      for (int e = 0; e < entities; e++) {
        refs.add(kit.spawn(TestEntity.create("e" + e, life.ref())));
      }
      for (int e = 0; e < entities; e++) {
        assertEquals("recovered:0", life.receiveMessage(WAIT));
      }
      for (int i = 0; i < perEntity; i++) { // all in flight at once -> group commits
        for (ActorRef<TestEntity.Command> ref : refs) {
          ref.tell(new TestEntity.Add("h" + i, i, done.ref()));
        }
      }
      for (int i = 0; i < entities * perEntity; i++) {
        done.expectMessage(WAIT, Done.getInstance());
      }
    });
    assertEquals(entities * perEntity, lines(dir).size());
    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      for (int e = 0; e < entities; e++) {
        kit.spawn(TestEntity.create("e" + e, life.ref()));
      }
      for (int e = 0; e < entities; e++) {
        assertEquals("recovered:" + perEntity, life.receiveMessage(WAIT));
      }
    });
  }

  // ---------------------------------------------------------------- journal protocol level

  static PersistentRepr repr(Object payload, long seq, String pid) {
    return PersistentRepr.apply(payload, seq, pid, "", false, akka.actor.ActorRef.noSender(), "writer-1");
  }

  @SafeVarargs
  static <T> scala.collection.immutable.List<T> scalaList(T... xs) {
    return CollectionConverters.asScala(Arrays.asList(xs)).toList();
  }

  static List<Object> replay(ActorTestKit kit, String pid) {
    TestProbe<Object> probe = kit.createTestProbe();
    akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor(null, ConfigFactory.empty());
    journal.tell(new JournalProtocol.ReplayMessages(1L, Long.MAX_VALUE, Long.MAX_VALUE, pid, Adapter.toClassic(probe.ref())),
        akka.actor.ActorRef.noSender());
    List<Object> out = new ArrayList<>();
    while (true) {
      Object m = probe.receiveMessage(WAIT);
      out.add(m);
      if (!(m instanceof JournalProtocol.ReplayedMessage)) {
        return out;
      }
    }
  }

  @Test
  void rejectsUnserializableAtomicWriteAsAWholeAndReplaysEqualObjects() throws Exception {
    Path dir = tmp.resolve("j");
    String pid = "Direct|1";
    TestEntity.HostAdded a1 = new TestEntity.HostAdded("a1", 7, Instant.parse("2026-01-02T03:04:05.123456789Z"));
    TestEntity.HostAdded a2 = new TestEntity.HostAdded("a2", 8, Instant.EPOCH);
    TestEntity.HostRemoved r4 = new TestEntity.HostRemoved("a1", "gone");

    withSystem(dir, kit -> {
      TestProbe<Object> probe = kit.createTestProbe();
      akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(kit.system())).journalFor(null, ConfigFactory.empty());
      AtomicWrite w1 = AtomicWrite.apply(repr(new Tagged(a1, CollectionConverters.asScala(Set.of("ha-event", "x")).toSet()), 1, pid)
          .withTimestamp(1_700_000_000_123L));
      AtomicWrite w2 = new AtomicWrite(scalaList(repr(a2, 2, pid), repr(new Object(), 3, pid)));
      AtomicWrite w3 = new AtomicWrite(scalaList(repr(r4, 4, pid), repr("plain string", 5, pid)));
      journal.tell(new JournalProtocol.WriteMessages(scalaList((PersistentEnvelope) w1, w2, w3),
          Adapter.toClassic(probe.ref()), 42), akka.actor.ActorRef.noSender());
      assertEquals(JournalProtocol.WriteMessagesSuccessful$.MODULE$, probe.receiveMessage(WAIT));
      assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, probe.receiveMessage(WAIT));
      assertInstanceOf(JournalProtocol.WriteMessageRejected.class, probe.receiveMessage(WAIT));
      assertInstanceOf(JournalProtocol.WriteMessageRejected.class, probe.receiveMessage(WAIT));
      assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, probe.receiveMessage(WAIT));
      assertInstanceOf(JournalProtocol.WriteMessageSuccess.class, probe.receiveMessage(WAIT));

      List<Object> replayed = replay(kit, pid);
      assertEquals(4, replayed.size(), replayed.toString());
      PersistentRepr p1 = ((JournalProtocol.ReplayedMessage) replayed.get(0)).persistent();
      assertEquals(a1, p1.payload());
      assertEquals(1_700_000_000_123L, p1.timestamp());
      assertEquals("writer-1", p1.writerUuid());
      assertEquals(r4, ((JournalProtocol.ReplayedMessage) replayed.get(1)).persistent().payload());
      assertEquals(4L, ((JournalProtocol.ReplayedMessage) replayed.get(1)).persistent().sequenceNr());
      assertEquals("plain string", ((JournalProtocol.ReplayedMessage) replayed.get(2)).persistent().payload());
      assertEquals(new JournalProtocol.RecoverySuccess(5L), replayed.get(3));

      journal.tell(new JournalProtocol.DeleteMessagesTo(pid, 4L, Adapter.toClassic(probe.ref())), akka.actor.ActorRef.noSender());
      assertEquals(new akka.persistence.DeleteMessagesSuccess(4L), probe.receiveMessage(WAIT));
    });

    List<String> lines = lines(dir);
    assertEquals(4, lines.size(), String.join("\n", lines)); // seq 1, 4, 5 and the deletion marker
    JsonNode first = JSON.readTree(lines.get(0));
    assertEquals("2023-11-14T22:13:20.123Z", first.get("ts").asText());
    assertEquals("[\"ha-event\",\"x\"]", first.get("tags").toString());
    assertFalse(first.has("Tagged"));
    assertEquals("a1", first.get("event").get("host").asText());
    assertTrue(JSON.readTree(lines.get(2)).has("payloadBase64"));
    assertEquals(4, JSON.readTree(lines.get(3)).get("deletedTo").asLong());

    withSystem(dir, kit -> {
      List<Object> replayed = replay(kit, pid);
      assertEquals(2, replayed.size(), replayed.toString());
      assertEquals("plain string", ((JournalProtocol.ReplayedMessage) replayed.get(0)).persistent().payload());
      assertEquals(new JournalProtocol.RecoverySuccess(5L), replayed.get(1));
    });
  }

  @Test
  void recordsCarryTheirSchemaVersionAndVersionZeroRecordsStayReadable() throws Exception {
    Path dir = tmp.resolve("j");
    withSystem(dir, FileJournalTest::write3);
    List<String> lines = lines(dir);
    for (String l : lines) assertEquals(FileJournal.SCHEMA, JSON.readTree(l).get("schema").asInt(), l);
    // The same records as the format before the schema field wrote them.
    StringBuilder old = new StringBuilder();
    for (String l : lines) {
      String body = l.substring(0, l.lastIndexOf(",\"crc\":")) + "}";
      body = body.replace(",\"schema\":" + FileJournal.SCHEMA, "");
      old.append(new String(JournalLine.seal(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
    }
    Files.writeString(dir.resolve(FileJournal.FILE_NAME), old.toString());
    assertFalse(Files.readString(dir.resolve(FileJournal.FILE_NAME)).contains("schema"));
    withSystem(dir, kit -> {
      TestProbe<String> life = kit.createTestProbe();
      ActorRef<TestEntity.Command> ref = spawn(kit, life, "recovered:3");
      assertEquals(new TestEntity.State(List.of("h2"), 3), getState(kit, ref));
    });
    assertTrue(corruptFiles(dir).isEmpty());
  }
}
