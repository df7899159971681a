package org.tandemha.controller.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue #6 item 4: {@code tandem events} over a journal file as the node writes it. */
class EventsCommandTest {
  static final String B = "7c4e1a9b-2d6f-4b3a-8e5c-000000000b02";
  static final String A = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";
  static final Instant NOW = Instant.parse("2026-11-22T03:30:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  static String line(long seq, String ts, String type, String event) {
    String body = "{\"pid\":\"Ha|" + B + "\",\"seq\":" + seq + ",\"ts\":\"" + ts + "\",\"node\":\"" + B + "\",\"type\":\""
        + type + "\",\"writer\":\"w\",\"manifest\":\"org.tandemha.protocol.HaEvent$" + type + "\",\"serializerId\":31,"
        + "\"tags\":[\"ha-event\"],\"event\":" + event + "}";
    return new String(JournalLine.seal(body.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  static final List<String> LINES = List.of(
      line(1, "2026-11-22T03:12:01.000Z", "MasterLost", "{\"master\":\"" + A + "\",\"evidence\":\"node unreachable 1.9s\",\"at\":\"2026-11-22T03:12:01Z\"}"),
      line(2, "2026-11-22T03:12:05.118Z", "FenceConfirmed", "{\"target\":\"" + A + "\",\"device\":\"fence_ipmilan\",\"evidence\":\"power read back OFF\",\"at\":\"2026-11-22T03:12:05Z\"}"),
      line(3, "2026-11-22T03:20:00.000Z", "VmRestarted", "{\"vm\":\"11111111-0000-4000-8000-000000000001\",\"name\":\"web-01\",\"on\":\"" + B + "\",\"at\":\"2026-11-22T03:20:00Z\"}"));

  record Run(int rc, List<String> out, String err) {}

  Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = EventsCommand.run(List.of(args), new PrintStream(out, true), new PrintStream(err, true), () -> NOW, () -> true);
    return new Run(rc, out.toString(StandardCharsets.UTF_8).lines().toList(), err.toString(StandardCharsets.UTF_8));
  }

  void write(List<String> lines) throws Exception {
    Files.writeString(dir.resolve(FileJournal.FILE_NAME), String.join("", lines));
  }

  @Test
  void printsOneReadableLinePerEventNewestLast() throws Exception {
    write(LINES);
    Run r = run("--dir", dir.toString());
    assertEquals(0, r.rc(), r.err());
    assertEquals(List.of(
        "2026-11-22T03:12:01Z 7c4e1a9b MasterLost master=3f9a2c1e evidence=\"node unreachable 1.9s\"",
        "2026-11-22T03:12:05.118Z 7c4e1a9b FenceConfirmed target=3f9a2c1e device=fence_ipmilan evidence=\"power read back OFF\"",
        "2026-11-22T03:20:00Z 7c4e1a9b VmRestarted vm=11111111 name=web-01 on=7c4e1a9b"), r.out());
  }

  @Test
  void listsReadAsCommaSeparatedText() throws Exception {
    write(List.of(line(1, "2026-11-22T03:12:02.000Z", "QuorumEvaluated", "{\"votes\":2,\"needed\":2,\"quorate\":true,"
        + "\"sources\":[\"nodes 1/2\",\"heuristics\"],\"reason\":\"tie broken\",\"at\":\"2026-11-22T03:12:02Z\"}")));
    assertEquals(List.of("2026-11-22T03:12:02Z 7c4e1a9b QuorumEvaluated votes=2 needed=2 quorate=true "
        + "sources=\"nodes 1/2,heuristics\" reason=\"tie broken\""), run("--dir", dir.toString()).out());
  }

  @Test
  void jsonLinesParseWithStableFieldNames() throws Exception {
    write(LINES);
    Run r = run("--dir", dir.resolve(FileJournal.FILE_NAME).toString(), "--json");
    assertEquals(3, r.out().size());
    for (String l : r.out()) {
      JsonNode n = JSON.readTree(l);
      for (String f : List.of("ts", "node", "type", "pid", "seq", "event")) assertTrue(n.has(f), f + " in " + l);
      assertEquals(B, n.get("node").asText(), "whole UUIDs in JSON");
    }
    assertEquals(A, JSON.readTree(r.out().get(1)).get("event").get("target").asText());
  }

  static Stream<Arguments> filters() {
    return Stream.of(//                                                 shown (seq)
        Arguments.of(List.of("--type", "fenceconfirmed,VmRestarted"),   List.of(2, 3)),
        Arguments.of(List.of("--since", "15m"),                         List.of(3)),
        Arguments.of(List.of("--since", "2026-11-22T03:12:02Z"),        List.of(2, 3)),
        Arguments.of(List.of("--since", "2026-11-22T03:13"),            List.of(3)),
        Arguments.of(List.of("--since", "2026-11-23"),                  List.of()),
        Arguments.of(List.of("--host", "3f9a2c1e"),                     List.of(1, 2)),
        Arguments.of(List.of("--host", "7c4e"),                         List.of(1, 2, 3)),
        Arguments.of(List.of("--host", "3f9a", "--type", "MasterLost"), List.of(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filters")
  void filters(List<String> args, List<Integer> seqs) throws Exception {
    write(LINES);
    List<String> all = new ArrayList<>(List.of("--dir", dir.toString(), "--json"));
    all.addAll(args);
    Run r = run(all.toArray(String[]::new));
    assertEquals(0, r.rc(), r.err());
    List<Integer> got = new ArrayList<>();
    for (String l : r.out()) got.add(JSON.readTree(l).get("seq").asInt());
    assertEquals(seqs, got);
  }

  static Stream<Arguments> badArguments() {
    return Stream.of(
        Arguments.of(List.of("--since", "yesterday"), "--since \"yesterday\" is neither a duration"),
        Arguments.of(List.of("--since"), "--since needs a value"),
        Arguments.of(List.of("--type", "--json"), "--type needs a value"),
        Arguments.of(List.of("--colour"), "unexpected argument \"--colour\""));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badArguments")
  void badArgumentsAreNamedAndChangeNothing(List<String> args, String message) throws Exception {
    write(LINES);
    Run r = run(args.toArray(String[]::new));
    assertEquals(2, r.rc());
    assertTrue(r.err().contains(message), r.err());
    assertTrue(r.out().isEmpty());
  }

  @Test
  void aMissingJournalIsAClearError() {
    Run r = run("--dir", dir.resolve("nope").toString());
    assertEquals(2, r.rc());
    assertTrue(r.err().contains("no journal at"), r.err());
  }

  @Test
  void aDamagedLineIsReportedNotSkippedSilently() throws Exception {
    write(List.of(LINES.get(0), LINES.get(1).replace("OFF", "0FF"), LINES.get(2)));
    Files.writeString(dir.resolve(FileJournal.FILE_NAME + ".1700000000000.corrupt"), "{\"pid\":");
    Run r = run("--dir", dir.toString());
    assertEquals(1, r.rc());
    assertEquals(2, r.out().size(), r.out().toString());
    assertTrue(r.err().contains("line 2 of") && r.err().contains("crc mismatch"), r.err());
    assertTrue(r.err().contains("events.jsonl.1700000000000.corrupt"), r.err());
  }

  @Test
  void aLineStillBeingWrittenIsNotDamage() throws Exception {
    write(List.of(LINES.get(0), LINES.get(1).substring(0, 40)));
    Run r = run("--dir", dir.toString());
    assertEquals(0, r.rc(), r.err());
    assertEquals(1, r.out().size());
  }

  @Test
  void followPrintsEventsAsTheyAreWritten() throws Exception {
    write(List.of(LINES.get(0)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try {
        Thread.sleep(300);
        Path f = dir.resolve(FileJournal.FILE_NAME);
        String l = LINES.get(1);
        Files.writeString(f, l.substring(0, 30), StandardOpenOption.APPEND);   // a write in two parts
        Thread.sleep(300);
        Files.writeString(f, l.substring(30) + LINES.get(2), StandardOpenOption.APPEND);
        long until = System.currentTimeMillis() + 10_000;
        while (out.toString(StandardCharsets.UTF_8).lines().count() < 3 && System.currentTimeMillis() < until) {
          Thread.sleep(50);
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      } finally {
        stop.set(true);
      }
    });
    writer.start();
    int rc = EventsCommand.run(List.of("--dir", dir.toString(), "--follow"), new PrintStream(out, true),
        new PrintStream(new ByteArrayOutputStream(), true), () -> NOW, stop::get);
    writer.join();
    assertEquals(0, rc);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(3, lines.size(), lines.toString());
    assertEquals("2026-11-22T03:12:05.118Z 7c4e1a9b FenceConfirmed target=3f9a2c1e device=fence_ipmilan "
        + "evidence=\"power read back OFF\"", lines.get(1), "the line written in two parts, once, whole");
    assertEquals("2026-11-22T03:20:00Z 7c4e1a9b VmRestarted vm=11111111 name=web-01 on=7c4e1a9b", lines.get(2));
  }
}
