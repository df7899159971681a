package org.tandemha.controller.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a journal file without the journal plugin — a stopped node's, or one copied to another machine — the way
 * {@code tandem events} shows it. Every line is CRC-checked; a damaged line is reported with its number, never
 * silently skipped; an incomplete last line of a live file is not damage but "still being written".
 */
public final class JournalReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JournalReader() {}

  /**
   * One event record.
   *
   * @param event         the event's fields as stored (jackson-json payloads); empty for binary payloads
   * @param payloadBase64 the serialized payload of any other serializer, else null
   */
  public record Event(long line, String pid, long seq, Instant ts, String node, String type, JsonNode event,
                      int serializerId, String manifest, String payloadBase64, List<String> tags) {
    public Event(long line, String pid, long seq, Instant ts, String node, String type, JsonNode event) {
      this(line, pid, seq, ts, node, type, event, 0, "", null, List.of());
    }
  }

  /** A deletion marker: the persistence id's events up to {@code toSeq} are deleted. */
  public record Deletion(long line, String pid, long toSeq) {}

  /** A line that is not a valid record, and why. */
  public record Damage(long line, String reason) {}

  /**
   * @param events     the records, in file order (the order they were acknowledged)
   * @param damaged    lines that failed their check
   * @param validBytes the length of the file up to the end of the last complete line (where a follower goes on)
   */
  public record Contents(List<Event> events, List<Damage> damaged, long validBytes, List<Deletion> deletions) {
    public Contents(List<Event> events, List<Damage> damaged, long validBytes) {
      this(events, damaged, validBytes, List.of());
    }

    /** The number of the last complete line read (damaged or not), for the next incremental read. */
    public long lastLine(long before) {
      long last = before;
      for (Event e : events) last = Math.max(last, e.line());
      for (Damage d : damaged) last = Math.max(last, d.line());
      for (Deletion d : deletions) last = Math.max(last, d.line());
      return last;
    }
  }

  public static Contents read(Path file) throws IOException {
    return read(Files.readAllBytes(file), 0, 0);
  }

  /**
   * The records in {@code bytes} from {@code offset} (the start of a line), numbering lines from
   * {@code firstLine + 1}. A last line without a newline is left for a later read.
   */
  public static Contents read(byte[] bytes, int offset, long firstLine) {
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
          events.add(new Event(lineNo, n.path("pid").asText(), n.path("seq").asLong(),
              Instant.parse(n.path("ts").asText()), n.path("node").asText(), n.path("type").asText(),
              n.has("event") ? n.get("event") : JSON.createObjectNode(), n.path("serializerId").asInt(),
              n.path("manifest").asText(), n.has("payloadBase64") ? n.get("payloadBase64").asText() : null,
              List.copyOf(tags)));
        } else if (n.has("deletedTo")) {
          deletions.add(new Deletion(lineNo, n.path("pid").asText(), n.path("deletedTo").asLong()));
        }
      } catch (IOException | RuntimeException e) {
        damaged.add(new Damage(lineNo, e.getMessage()));
      }
      pos = nl + 1;
    }
    return new Contents(events, damaged, pos, deletions);
  }
}
