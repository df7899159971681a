package org.tandemha.harness.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads a node's journal file (one JSON record per line) the way an operator would: type, time, fields. */
public final class JournalTimeline {
  public record Entry(Instant at, String type, JsonNode event) {
    public String text(String field) {
      JsonNode n = event.get(field);
      return n == null || n.isNull() ? "" : n.isTextual() ? n.asText() : n.toString();
    }
  }

  /** The decision's own time (the event's {@code at}), else when the journal wrote it. */
  public static Instant atOf(Entry e) {
    JsonNode at = e.event().get("at");
    if (at != null && at.isTextual()) {
      try {
        return Instant.parse(at.asText());
      } catch (RuntimeException ignored) {
        // not an ISO instant: fall back to the write time
      }
    }
    return e.at();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private JournalTimeline() {}

  /** Every complete record; a line still being written (the file is live) is skipped, not an error. */
  public static List<Entry> read(Path file) {
    List<Entry> out = new ArrayList<>();
    if (!Files.isRegularFile(file)) return out;
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      return out;
    }
    for (String line : lines) {
      try {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.has("type") || !n.has("event")) continue;
        out.add(new Entry(Instant.parse(n.get("ts").asText()), n.get("type").asText(), n.get("event")));
      } catch (IOException | RuntimeException e) {
        // torn tail of a live file: read again later
      }
    }
    return out;
  }
}
