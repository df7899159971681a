package org.tandemha.controller.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a journal without the journal plugin — a stopped node's, or one copied to another machine — the way
 * {@code tandem events} and the read journal see it: the closed segments ({@code events-000001.jsonl}, …) in
 * order, then the active {@code events.jsonl}. Every line is CRC-checked; a damaged line is reported with its file
 * and number, never silently skipped; an incomplete last line of the active file is not damage but "still being
 * written". A segment keeps its number when the active file is closed into it, so positions stay valid.
 */
public final class JournalReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern SEGMENT = Pattern.compile("events-(\\d{6})\\.jsonl");
  /** Lines per segment in a position: segment × this + line. */
  public static final long SEGMENT_STRIDE = 1_000_000_000L;

  private JournalReader() {}

  /**
   * One event record.
   *
   * @param segment       the segment it is in (the active file has the next number after the closed ones)
   * @param event         the event's fields as stored (jackson-json payloads); empty for binary payloads
   * @param payloadBase64 the serialized payload of any other serializer, else null
   */
  public record Event(int segment, long line, String pid, long seq, Instant ts, String node, String type,
                      JsonNode event, int serializerId, String manifest, String payloadBase64, List<String> tags) {
    /** Where it is in the journal, in write order, stable across rotations: a read journal offset. */
    public long position() { return segment * SEGMENT_STRIDE + line; }
  }

  /** A deletion marker (or a segment's checkpoint): the persistence id's events up to {@code toSeq} are deleted. */
  public record Deletion(String pid, long toSeq) {}

  /** A line that is not a valid record, and why. */
  public record Damage(Path file, long line, String reason) {}

  /**
   * @param events     the records, in file order (the order they were acknowledged)
   * @param damaged    lines that failed their check
   * @param validBytes the bytes of the complete lines read (a follower goes on after them)
   * @param lines      how many complete lines were read
   */
  public record Contents(List<Event> events, List<Damage> damaged, long validBytes, List<Deletion> deletions,
                         long lines) {}

  /** One file on its own (segment 0), e.g. for tests and tools. */
  public static Contents read(Path file) throws IOException {
    return parse(file, 0, Files.readAllBytes(file), 0, 0);
  }

  /** The closed segments by number, then the active file (if present). */
  public static List<Path> segments(Path dir) throws IOException {
    TreeMap<Integer, Path> closed = closedSegments(dir);
    List<Path> out = new ArrayList<>(closed.values());
    if (Files.exists(dir.resolve(FileJournal.FILE_NAME))) out.add(dir.resolve(FileJournal.FILE_NAME));
    return out;
  }

  static TreeMap<Integer, Path> closedSegments(Path dir) throws IOException {
    TreeMap<Integer, Path> closed = new TreeMap<>();
    if (!Files.isDirectory(dir)) return closed;
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> {
        Matcher m = SEGMENT.matcher(p.getFileName().toString());
        if (m.matches()) closed.put(Integer.parseInt(m.group(1)), p);
      });
    }
    return closed;
  }

  /**
   * Reads the journal in {@code dir} on from where the last call stopped: the rest of the segment it was in
   * (which may have been closed meanwhile), every later segment, and the active file up to its last complete line.
   */
  public static final class Cursor {
    private final Path dir;
    private int segment = -1;   // the segment being read; -1 = not started
    private long offset;
    private long line;

    public Cursor(Path dir) {
      this.dir = dir;
    }

    public Contents next() throws IOException {
      List<Event> events = new ArrayList<>();
      List<Damage> damaged = new ArrayList<>();
      List<Deletion> deletions = new ArrayList<>();
      TreeMap<Integer, Path> closed = closedSegments(dir);
      int activeNo = closed.isEmpty() ? 1 : closed.lastKey() + 1;
      if (segment < 0) segment = closed.isEmpty() ? activeNo : closed.firstKey();
      while (true) {
        Path p = segment < activeNo ? closed.get(segment) : dir.resolve(FileJournal.FILE_NAME);
        if (p == null) {   // retention deleted it meanwhile: go on with the next one
          Integer later = closed.higherKey(segment);
          segment = later == null ? activeNo : later;
          offset = 0;
          line = 0;
          continue;
        }
        if (segment >= activeNo && Files.exists(p) && Files.size(p) < offset) {
          offset = Files.size(p);   // the node moved a damaged last line aside at start: appends go on from here
        }
        byte[] bytes = readFrom(p, offset);
        Contents c = parse(p, segment, bytes, 0, line);
        events.addAll(c.events());
        damaged.addAll(c.damaged());
        deletions.addAll(c.deletions());
        line += c.lines();
        offset += c.validBytes();
        if (segment >= activeNo) break;
        segment++;
        offset = 0;
        line = 0;
      }
      return new Contents(events, damaged, offset, deletions, line);
    }
  }

  private static byte[] readFrom(Path file, long from) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size <= from) return new byte[0];
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, size - from));
      while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) { /* read on */ }
      return b.array();
    } catch (NoSuchFileException e) {
      return new byte[0];
    }
  }

  /** The records of {@code bytes} from {@code offset} (the start of a line), numbering lines after {@code firstLine}. */
  static Contents parse(Path file, int segment, byte[] bytes, int offset, long firstLine) {
    List<Event> events = new ArrayList<>();
    List<Damage> damaged = new ArrayList<>();
    List<Deletion> deletions = new ArrayList<>();
    int pos = offset;
    long lineNo = firstLine;
    while (pos < bytes.length) {
      int nl = pos;
      while (nl < bytes.length && bytes[nl] != '\n') nl++;
      if (nl == bytes.length) break;   // still being written
      lineNo++;
      try {
        String line = JournalLine.checked(bytes, pos, nl);
        JsonNode n = JSON.readTree(line);
        if (n.has("seq")) {
          List<String> tags = new ArrayList<>();
          n.path("tags").forEach(t -> tags.add(t.asText()));
          events.add(new Event(segment, lineNo, n.path("pid").asText(), n.path("seq").asLong(),
              Instant.parse(n.path("ts").asText()), n.path("node").asText(), n.path("type").asText(),
              n.has("event") ? n.get("event") : JSON.createObjectNode(), n.path("serializerId").asInt(),
              n.path("manifest").asText(), n.has("payloadBase64") ? n.get("payloadBase64").asText() : null,
              List.copyOf(tags)));
        } else if (n.has("deletedTo")) {
          deletions.add(new Deletion(n.path("pid").asText(), n.path("deletedTo").asLong()));
        }
      } catch (IOException | RuntimeException e) {
        damaged.add(new Damage(file, lineNo, e.getMessage()));
      }
      pos = nl + 1;
    }
    return new Contents(events, damaged, pos - offset, deletions, lineNo - firstLine);
  }
}
