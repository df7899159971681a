package org.tandemha.controller.journal;

import akka.dispatch.Futures;
import akka.persistence.SelectedSnapshot;
import akka.persistence.SnapshotMetadata;
import akka.persistence.SnapshotSelectionCriteria;
import akka.persistence.snapshot.japi.SnapshotStore;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;

/**
 * Akka Persistence snapshot store next to the journal: one file per snapshot,
 * {@code <dir>/<url-encoded persistence id>/<seq>-<timestamp>.json}, one JSON line (persistence id, sequence
 * number, timestamp, serializer, the payload) sealed with the journal's CRC. A snapshot is written to a temporary
 * file, fsync'ed, renamed into place and its directory fsync'ed, so a crash leaves either the old set or the new
 * one. A snapshot whose CRC fails is reported and skipped: loading falls back to the next older one, and the
 * journal (never trimmed below a snapshot it would need) replays the rest. File I/O runs on the plugin's
 * dispatcher, never on an actor thread.
 */
public final class FileSnapshotStore extends SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(FileSnapshotStore.class);
  private static final Pattern NAME = Pattern.compile("(\\d+)-(\\d+)\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Serialization serialization;
  private final ExecutionContext io;

  public FileSnapshotStore(Config config, String configPath) {
    if (!config.hasPath("dir") || config.getString("dir").isBlank()) {
      throw new IllegalArgumentException("Snapshot store [" + configPath + "] requires a non-empty 'dir' setting");
    }
    this.dir = Paths.get(config.getString("dir")).toAbsolutePath();
    this.serialization = SerializationExtension.get(context().system());
    this.io = context().dispatcher();
  }

  record Found(SnapshotMetadata meta, Path file) {}

  @Override public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria c) {
    return Futures.future(() -> {
      for (Found f : matching(persistenceId, c)) {
        try {
          return Optional.of(SelectedSnapshot.create(f.meta(), read(f.file())));
        } catch (IOException | RuntimeException e) {
          log.warn("snapshot {} is damaged ({}): skipped, an older one or the journal is used", f.file(), e.getMessage());
        }
      }
      return Optional.<SelectedSnapshot>empty();
    }, io);
  }

  @Override public Future<Void> doSaveAsync(SnapshotMetadata m, Object snapshot) {
    return Futures.future(() -> {
      Path pidDir = dir.resolve(URLEncoder.encode(m.persistenceId(), StandardCharsets.UTF_8));
      boolean created = !Files.isDirectory(pidDir);
      Files.createDirectories(pidDir);
      if (created) fsync(dir);
      Path target = pidDir.resolve(m.sequenceNr() + "-" + m.timestamp() + ".json");
      Path tmp = pidDir.resolve(target.getFileName() + ".tmp");
      byte[] line = encode(m, snapshot);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) ch.write(b);
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsync(pidDir);
      return null;
    }, io);
  }

  @Override public Future<Void> doDeleteAsync(SnapshotMetadata m) {
    return Futures.future(() -> {
      Path pidDir = dir.resolve(URLEncoder.encode(m.persistenceId(), StandardCharsets.UTF_8));
      for (Found f : all(m.persistenceId())) {
        // timestamp 0 means "any" (as Akka's own stores read it)
        if (f.meta().sequenceNr() == m.sequenceNr() && (m.timestamp() == 0 || f.meta().timestamp() == m.timestamp())) {
          Files.deleteIfExists(f.file());
        }
      }
      if (Files.isDirectory(pidDir)) fsync(pidDir);
      return null;
    }, io);
  }

  @Override public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria c) {
    return Futures.future(() -> {
      for (Found f : matching(persistenceId, c)) Files.deleteIfExists(f.file());
      Path pidDir = dir.resolve(URLEncoder.encode(persistenceId, StandardCharsets.UTF_8));
      if (Files.isDirectory(pidDir)) fsync(pidDir);
      return null;
    }, io);
  }

  /** The snapshots the criteria select, newest (highest sequence number, then time) first. */
  private List<Found> matching(String pid, SnapshotSelectionCriteria c) throws IOException {
    return all(pid).stream()
        .filter(f -> f.meta().sequenceNr() <= c.maxSequenceNr() && f.meta().timestamp() <= c.maxTimestamp()
            && f.meta().sequenceNr() >= c.minSequenceNr() && f.meta().timestamp() >= c.minTimestamp())
        .toList();
  }

  private List<Found> all(String pid) throws IOException {
    return stored(dir, pid);
  }

  /**
   * The snapshots of {@code pid} under {@code snapshotDir}, newest (highest sequence number, then time) first — by
   * their file names, unread. The journal's retention asks this too: what recovery may start from.
   */
  static List<Found> stored(Path snapshotDir, String pid) throws IOException {
    Path pidDir = snapshotDir.resolve(URLEncoder.encode(pid, StandardCharsets.UTF_8));
    List<Found> out = new ArrayList<>();
    if (!Files.isDirectory(pidDir)) return out;
    try (Stream<Path> s = Files.list(pidDir)) {
      s.forEach(p -> {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.add(new Found(SnapshotMetadata.apply(pid, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))), p));
        }
      });
    }
    out.sort(Comparator.comparingLong((Found f) -> f.meta().sequenceNr())
        .thenComparingLong(f -> f.meta().timestamp()).reversed());
    return out;
  }

  private byte[] encode(SnapshotMetadata m, Object snapshot) {
    Serializer ser = serialization.findSerializerFor(snapshot);
    // Snapshots may hold actor refs: serialize them as the journal does, with this system's address.
    byte[] bytes = akka.serialization.Serialization$.MODULE$.withTransportInformation(
        (akka.actor.ExtendedActorSystem) context().system(), () -> ser.toBinary(snapshot));
    ObjectNode n = JSON.createObjectNode();
    n.put("pid", m.persistenceId());
    n.put("seq", m.sequenceNr());
    n.put("timestamp", m.timestamp());
    n.put("serializerId", ser.identifier());
    n.put("manifest", Serializers.manifestFor(ser, snapshot));
    n.put("payloadBase64", Base64.getEncoder().encodeToString(bytes));
    return JournalLine.seal(n.toString().getBytes(StandardCharsets.UTF_8));
  }

  private Object read(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (!text.endsWith("\n")) throw new IOException("incomplete (no trailing newline)");
    JsonNode n = JSON.readTree(JournalLine.checked(text.substring(0, text.length() - 1)));
    byte[] bytes = Base64.getDecoder().decode(n.path("payloadBase64").asText());
    return serialization.deserialize(bytes, n.path("serializerId").asInt(), n.path("manifest").asText()).get();
  }

  private static void fsync(Path directory) {
    try (FileChannel d = FileChannel.open(directory, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      log.debug("could not fsync directory {}: {}", directory, e.toString());
    }
  }
}
