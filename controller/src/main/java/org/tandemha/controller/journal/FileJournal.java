package org.tandemha.controller.journal;

import akka.actor.ActorRef;
import akka.actor.ExtendedActorSystem;
import akka.dispatch.Futures;
import akka.persistence.AtomicWrite;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import akka.persistence.journal.japi.AsyncWriteJournal;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import akka.serialization.jackson.JacksonJsonSerializer;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;
import scala.concurrent.Promise;
import scala.jdk.javaapi.CollectionConverters;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Akka Persistence journal that keeps every persistence id of this node in ONE append-only,
 * human-readable JSON-lines file {@code <dir>/events.jsonl}.
 *
 * <p>Line formats (one JSON object per line, UTF-8, terminated by {@code \n}):
 * <pre>
 * {"pid":"Host|abc","seq":3,"ts":"2026-11-22T04:33:01.123Z","node":"node-a","type":"HostAdded",
 *  "writer":"&lt;writerUuid&gt;","manifest":"&lt;serializer manifest&gt;","serializerId":31,"tags":["ha-event"],
 *  "event":{...}                       -- jackson-json payloads, embedded verbatim
 *  | "payloadBase64":"..."             -- any other serializer
 *  [,"adapterManifest":"..."]          -- PersistentRepr.manifest (event adapters), only if non-empty
 *  ,"crc":"0a1b2c3d"}
 * {"pid":"Host|abc","deletedTo":2,"ts":"...","node":"node-a","crc":"..."}
 * </pre>
 * {@code crc} is the CRC32 (8 lower-case hex digits) of the UTF-8 bytes of the line with the trailing
 * {@code ,"crc":"xxxxxxxx"} removed, i.e. of the object as it was before the crc field was appended.
 *
 * <p>Threading: serialization of payloads happens on the journal actor (so rejections are known
 * up-front); all file I/O, index mutation and index reads run on one dedicated single-thread executor.
 * Writes queued while a previous batch is being written are group-committed with one
 * {@code FileChannel.force(false)}; a write is acknowledged only after force returned.
 *
 * <p>Startup: the file is read completely and an in-memory index is built. A torn LAST line (no
 * trailing newline, invalid JSON or CRC mismatch) is moved to {@code events.jsonl.<epochMillis>.corrupt}
 * and the file is truncated to the last good line. Any other bad line makes the plugin refuse to serve:
 * every replay/write/delete fails with an {@link IllegalStateException} naming file and line number.
 */
public final class FileJournal extends AsyncWriteJournal {

  private static final Logger log = LoggerFactory.getLogger(FileJournal.class);

  public static final String FILE_NAME = "events.jsonl";
  /**
   * The record format's version, written in every record ({@code "schema"}); a record without it is version 0
   * (before this field) and reads the same. An event's own shape evolves through Akka's Jackson migrations: its
   * version is the {@code #n} suffix of the record's {@code manifest}, and a {@code JacksonMigration} bound in
   * {@code akka.serialization.jackson.migrations} reads the older ones.
   */
  public static final int SCHEMA = 1;

  private final ObjectMapper mapper = new ObjectMapper();
  private final Serialization serialization;
  private final ExtendedActorSystem system;
  private final String node;
  private final Path dir;
  private final Path file;

  /** Set when startup failed (corrupt middle line, cannot open/lock file) or after an unrecoverable I/O error. */
  private volatile Exception broken;

  private FileChannel channel;
  private FileChannel lockChannel;
  private FileLock lock;

  /** A closed segment: its file, size, newest record time and, per persistence id, its highest sequence number. */
  private record Segment(int number, Path path, long size, Instant newest, Map<String, Long> maxSeq) {}

  private final List<Segment> closed = new ArrayList<>();
  /** Of the active file (writer thread): its oldest and newest record times, per-pid highest sequence numbers. */
  private Instant activeOldest;
  private Instant activeNewest;
  private final Map<String, Long> activeMaxSeq = new HashMap<>();
  private final long segmentSize;
  private final Duration segmentAge;
  private final Duration retentionAge;
  private final long retentionSize;
  private final Path snapshotDir;
  private final Set<Integer> keptPastRetention = new HashSet<>();
  /** Only touched by the writer thread (and the constructor before it starts). */
  private long fileSize;
  private final Map<String, PidIndex> index = new HashMap<>();

  private final ExecutorService io;
  private final ConcurrentLinkedQueue<PendingOp> queue = new ConcurrentLinkedQueue<>();

  public FileJournal(Config config, String configPath) {
    this.system = (ExtendedActorSystem) context().system();
    this.serialization = SerializationExtension.get(system);
    this.node = config.hasPath("node") ? config.getString("node") : "";
    if (!config.hasPath("dir") || config.getString("dir").isBlank()) {
      throw new IllegalArgumentException("Journal plugin [" + configPath + "] requires a non-empty 'dir' setting");
    }
    this.dir = Paths.get(config.getString("dir")).toAbsolutePath();
    this.file = dir.resolve(FILE_NAME);
    this.segmentSize = config.hasPath("segment-size") ? config.getBytes("segment-size") : 8L << 20;
    this.segmentAge = config.hasPath("segment-age") ? config.getDuration("segment-age") : Duration.ofDays(1);
    this.retentionAge = config.hasPath("retention-age") ? config.getDuration("retention-age") : Duration.ofDays(90);
    this.retentionSize = config.hasPath("retention-size") ? config.getBytes("retention-size") : 64L << 20;
    this.snapshotDir = config.hasPath("snapshot-dir") && !config.getString("snapshot-dir").isBlank()
        ? Paths.get(config.getString("snapshot-dir")).toAbsolutePath() : dir.resolve("snapshots");
    if (segmentSize < 4096 || segmentAge.isNegative() || segmentAge.isZero() || retentionAge.isNegative()
        || retentionSize < segmentSize) {
      throw new IllegalArgumentException("Journal plugin [" + configPath + "]: segment-size must be at least 4 KiB, "
          + "segment-age and retention-age positive, retention-size at least segment-size");
    }
    this.io = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tandem-journal-io-" + configPath);
      t.setDaemon(true);
      return t;
    });
    try {
      open();
      log.info("FileJournal [{}] opened {} ({} bytes, {} persistence ids)", configPath, file, fileSize, index.size());
    } catch (Exception e) {
      broken = e;
      log.error("FileJournal [{}] refuses to start: {}", configPath, e.getMessage(), e);
      closeQuietly();
    }
  }

  // ------------------------------------------------------------------------------------------ startup

  private void open() throws IOException {
    Files.createDirectories(dir);
    // The lock lives in its own file: the active file is renamed when it is closed into a segment.
    lockChannel = FileChannel.open(dir.resolve("journal.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IllegalStateException("Journal " + dir + " is locked by another journal (process or actor system)");
    }
    for (Map.Entry<Integer, Path> e : JournalReader.closedSegments(dir).entrySet()) loadClosed(e.getKey(), e.getValue());
    boolean existed = Files.exists(file);
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (!existed) {
      fsyncDirectory();
    }
    load();
    rotateIfDue(Instant.now());
    expire(Instant.now());
  }

  /** A closed segment is read whole; any bad line in it is damage in the middle of the journal: refuse. */
  private void loadClosed(int number, Path path) throws IOException {
    byte[] all = Files.readAllBytes(path);
    Map<String, Long> maxSeq = new HashMap<>();
    Instant newest = Instant.EPOCH;
    int pos = 0;
    int lineNo = 0;
    while (pos < all.length) {
      lineNo++;
      int nl = indexOf(all, (byte) '\n', pos);
      Decoded d;
      try {
        if (nl < 0) throw new IOException("no trailing newline");
        d = decode(all, pos, nl);
      } catch (Exception e) {
        throw new IllegalStateException("Corrupt journal segment " + path + ": line " + lineNo + " (byte offset " + pos
            + ") is invalid (" + e.getMessage() + "). Refusing to start: an operator must inspect and repair it.");
      }
      apply(d);
      if (d.record() != null) {
        maxSeq.merge(d.pid(), d.record().seq(), Math::max);
        newest = Instant.ofEpochMilli(Math.max(newest.toEpochMilli(), d.record().timestamp()));
      }
      pos = nl + 1;
    }
    closed.add(new Segment(number, path, all.length, newest, Map.copyOf(maxSeq)));
  }

  private void load() throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("Journal file " + file + " is too large to load (" + size + " bytes)");
    }
    byte[] all = new byte[(int) size];
    ByteBuffer buf = ByteBuffer.wrap(all);
    while (buf.hasRemaining()) {
      if (channel.read(buf, buf.position()) < 0) {
        throw new IOException("Unexpected end of " + file + " while loading");
      }
    }

    int pos = 0;
    int lineNo = 0;
    long goodEnd = 0;
    while (pos < all.length) {
      lineNo++;
      int nl = indexOf(all, (byte) '\n', pos);
      boolean last = nl < 0 || nl == all.length - 1;
      String problem;
      Decoded decoded = null;
      if (nl < 0) {
        problem = "no trailing newline";
      } else {
        try {
          decoded = decode(all, pos, nl);
          problem = null;
        } catch (Exception e) {
          problem = e.getMessage();
        }
      }
      if (problem != null) {
        if (last) {
          quarantineTail(all, pos, lineNo, problem);
          break;
        }
        throw new IllegalStateException("Corrupt journal file " + file + ": line " + lineNo + " (byte offset " + pos
            + ") is invalid (" + problem + ") and it is not the last line. Refusing to start: the file was modified "
            + "or damaged; an operator must inspect and repair it.");
      }
      apply(decoded);
      if (decoded.record() != null) noteActive(decoded, Instant.ofEpochMilli(decoded.record().timestamp()));
      pos = nl + 1;
      goodEnd = pos;
    }
    fileSize = Math.min(goodEnd, all.length);
    if (fileSize != channel.size()) {
      throw new IllegalStateException("internal: size mismatch after load of " + file);
    }
  }

  /** Keeps the active file's record times and highest sequence numbers, for rotation and retention. */
  private void noteActive(Decoded d, Instant at) {
    if (activeOldest == null || at.isBefore(activeOldest)) activeOldest = at;
    if (activeNewest == null || at.isAfter(activeNewest)) activeNewest = at;
    activeMaxSeq.merge(d.pid(), d.record().seq(), Math::max);
  }

  // ------------------------------------------------------------------------------------------ segments

  /**
   * Closes the active file into the next segment when it is larger than {@code segment-size} or its oldest record
   * is older than {@code segment-age}; the new active file starts with one checkpoint line per persistence id
   * (highest sequence number, deleted-to), so expired segments never lower what recovery sees. Writer thread.
   */
  private void rotateIfDue(Instant now) throws IOException {
    if (fileSize == 0 || activeOldest == null) return;
    boolean big = fileSize >= segmentSize;
    boolean old = Duration.between(activeOldest, now).compareTo(segmentAge) >= 0;
    if (!big && !old) return;
    int number = closed.isEmpty() ? 1 : closed.get(closed.size() - 1).number() + 1;
    Path target = dir.resolve(String.format("events-%06d.jsonl", number));
    channel.force(true);
    channel.close();
    Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory();
    closed.add(new Segment(number, target, fileSize, activeNewest, Map.copyOf(activeMaxSeq)));
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (Map.Entry<String, PidIndex> e : new TreeMap<>(index).entrySet()) out.write(checkpoint(e.getKey(), e.getValue()));
      ByteBuffer b = ByteBuffer.wrap(out.toByteArray());
      long pos = 0;
      while (b.hasRemaining()) pos += channel.write(b, pos);
      channel.force(true);
      fsyncDirectory();
      fileSize = pos;
    } catch (IOException | RuntimeException e) {
      broken = new IllegalStateException("Journal " + dir + ": closed " + target.getFileName() + " but could not start "
          + "a new active file; refusing further operations", e);
      log.error(broken.getMessage(), e);
      throw e;
    }
    activeOldest = null;
    activeNewest = null;
    activeMaxSeq.clear();
    log.info("journal {}: closed the active file into {} ({} bytes, {}); {} segment(s)", dir, target.getFileName(),
        closed.get(closed.size() - 1).size(), big ? "segment-size reached" : "segment-age reached", closed.size());
    expire(now);
  }

  private byte[] checkpoint(String pid, PidIndex p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("pid", pid);
      g.writeNumberField("deletedTo", p.deletedTo);
      g.writeNumberField("highest", p.highest);
      g.writeStringField("ts", Instant.now().toString());
      g.writeStringField("node", node);
      g.writeEndObject();
    }
    return JournalLine.seal(out.toByteArray());
  }

  /**
   * Deletes the oldest closed segments while they are past {@code retention-age} or the closed segments exceed
   * {@code retention-size} — but never one holding events recovery still needs: every persistence id's events in
   * it must be deleted or covered by the older of its two newest snapshots (the newest may be the damaged one).
   * A segment kept for that reason is reported once. Oldest first, never out of order.
   */
  private void expire(Instant now) throws IOException {
    while (!closed.isEmpty()) {
      Segment s = closed.get(0);
      long total = closed.stream().mapToLong(Segment::size).sum();
      boolean due = Duration.between(s.newest(), now).compareTo(retentionAge) >= 0 || total > retentionSize;
      if (!due) return;
      String needed = null;
      for (Map.Entry<String, Long> e : s.maxSeq().entrySet()) {
        PidIndex p = index.get(e.getKey());
        long covered = Math.max(p == null ? 0 : p.deletedTo, snapshotCovers(e.getKey()));
        if (e.getValue() > covered) {
          needed = e.getKey() + " up to " + e.getValue() + " (recovery covered to " + covered + ")";
          break;
        }
      }
      if (needed != null) {
        if (keptPastRetention.add(s.number())) {
          log.warn("journal {}: {} is past retention but kept: recovery still needs events of {}; it goes once two "
              + "snapshots cover them", dir, s.path().getFileName(), needed);
        }
        return;
      }
      Files.deleteIfExists(s.path());
      fsyncDirectory();
      closed.remove(0);
      for (Map.Entry<String, Long> e : s.maxSeq().entrySet()) {
        PidIndex p = index.get(e.getKey());
        if (p != null) p.records.headMap(e.getValue(), true).clear();
      }
      log.info("journal {}: deleted {} ({} bytes, newest record {}): past retention", dir, s.path().getFileName(),
          s.size(), s.newest());
    }
  }

  /** The sequence number recovery of {@code pid} starts after, from its snapshots: the older of the two newest. */
  private long snapshotCovers(String pid) {
    try {
      List<FileSnapshotStore.Found> snapshots = FileSnapshotStore.stored(snapshotDir, pid);
      return snapshots.size() >= 2 ? snapshots.get(1).meta().sequenceNr() : 0;
    } catch (IOException e) {
      return 0;
    }
  }


  private void quarantineTail(byte[] all, int offset, int lineNo, String problem) throws IOException {
    long millis = System.currentTimeMillis();
    Path corrupt = dir.resolve(FILE_NAME + "." + millis + ".corrupt");
    while (Files.exists(corrupt)) { // never overwrite an earlier quarantine file
      corrupt = dir.resolve(FILE_NAME + "." + (++millis) + ".corrupt");
    }
    try (FileChannel c = FileChannel.open(corrupt, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(all, offset, all.length - offset);
      while (b.hasRemaining()) {
        c.write(b);
      }
      c.force(true);
    }
    channel.truncate(offset);
    channel.force(true);
    fsyncDirectory();
    log.warn("Journal file {} had a torn last line {} at byte offset {} ({}, {} bytes): moved the bytes to {} and "
        + "truncated the file to {} bytes", file, lineNo, offset, problem, all.length - offset, corrupt, offset);
  }

  private void fsyncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | RuntimeException e) {
      log.debug("Could not fsync directory {}: {}", dir, e.toString());
    }
  }

  private static int indexOf(byte[] a, byte b, int from) {
    for (int i = from; i < a.length; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  // ------------------------------------------------------------------------------------------ line codec

  /** A decoded, CRC-checked line: either an event record or a deletion marker. */
  private record Decoded(String pid, Record record, long deletedTo, long highest) {}

  /** An event kept in memory (decoded fields; payload bytes exactly as produced by the serializer). */
  private record Record(long seq, long timestamp, String writerUuid, String adapterManifest, int serializerId,
                        String manifest, byte[] payload) {}

  private static final class PidIndex {
    final NavigableMap<Long, Record> records = new TreeMap<>();
    long highest;
    long deletedTo;
  }

  private Decoded decode(byte[] all, int from, int to) throws IOException {
    String line = JournalLine.checked(all, from, to);
    JsonNode n;
    try {
      n = mapper.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject() || !n.path("pid").isTextual()) {
      throw new IOException("not a journal record (no pid)");
    }
    String pid = n.get("pid").asText();
    if (n.has("deletedTo")) {
      return new Decoded(pid, null, n.get("deletedTo").asLong(), n.path("highest").asLong(0));
    }
    if (!n.path("seq").canConvertToLong() || !n.path("serializerId").canConvertToInt()) {
      throw new IOException("event record without seq/serializerId");
    }
    byte[] payload;
    if (n.has("payloadBase64")) {
      payload = Base64.getDecoder().decode(n.get("payloadBase64").asText());
    } else if (n.has("event")) {
      String raw = rawValue(line, "event");
      if (raw == null) {
        throw new IOException("cannot locate event payload");
      }
      payload = raw.getBytes(StandardCharsets.UTF_8);
    } else {
      throw new IOException("event record without payload");
    }
    long ts = n.has("ts") ? Instant.parse(n.get("ts").asText()).toEpochMilli() : 0L;
    Record r = new Record(n.get("seq").asLong(), ts, n.path("writer").asText(""), n.path("adapterManifest").asText(""),
        n.get("serializerId").asInt(), n.path("manifest").asText(""), payload);
    return new Decoded(pid, r, 0L, 0L);
  }

  /** Exact source text of a top-level object/array field, so the payload bytes round-trip unchanged. */
  private String rawValue(String line, String field) throws IOException {
    try (JsonParser p = mapper.getFactory().createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.getCurrentName();
        JsonToken t = p.nextToken();
        if (name.equals(field) && (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY)) {
          int start = (int) p.getTokenLocation().getCharOffset();
          p.skipChildren();
          int end = (int) p.getCurrentLocation().getCharOffset();
          return line.substring(start, end);
        }
        p.skipChildren();
      }
    }
    return null;
  }


  private static final class Encoded {
    final String pid;
    final Record record;
    final byte[] line;

    Encoded(String pid, Record record, byte[] line) {
      this.pid = pid;
      this.record = record;
      this.line = line;
    }
  }

  private Encoded encode(PersistentRepr repr, long now) throws Exception {
    Object payload = repr.payload();
    List<String> tags = new ArrayList<>();
    if (payload instanceof Tagged tagged) {
      payload = tagged.payload();
      tags.addAll(new TreeSet<>(CollectionConverters.asJava(tagged.tags())));
    }
    Serializer serializer = serialization.findSerializerFor(payload);
    String manifest = Serializers.manifestFor(serializer, payload);
    Object event = payload;
    // like Serialization.serialize: lets serializers of events that contain ActorRefs find the system/address
    byte[] bytes = akka.serialization.Serialization$.MODULE$.withTransportInformation(system, () -> serializer.toBinary(event));
    String json = serializer instanceof JacksonJsonSerializer ? embeddableJson(bytes) : null;
    long ts = repr.timestamp() != 0L ? repr.timestamp() : now;
    String writer = repr.writerUuid() == null ? "" : repr.writerUuid();
    String adapterManifest = repr.manifest() == null ? "" : repr.manifest();

    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + bytes.length * 2);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("pid", repr.persistenceId());
      g.writeNumberField("seq", repr.sequenceNr());
      g.writeStringField("ts", Instant.ofEpochMilli(ts).toString());
      g.writeStringField("node", node);
      g.writeStringField("type", payload.getClass().getSimpleName());
      g.writeNumberField("schema", SCHEMA);
      g.writeStringField("writer", writer);
      g.writeStringField("manifest", manifest);
      g.writeNumberField("serializerId", serializer.identifier());
      g.writeArrayFieldStart("tags");
      for (String t : tags) {
        g.writeString(t);
      }
      g.writeEndArray();
      if (!adapterManifest.isEmpty()) {
        g.writeStringField("adapterManifest", adapterManifest);
      }
      if (json != null) {
        g.writeFieldName("event");
        g.writeRawValue(json);
      } else {
        g.writeStringField("payloadBase64", Base64.getEncoder().encodeToString(bytes));
      }
      g.writeEndObject();
    }
    Record r = new Record(repr.sequenceNr(), ts, writer, adapterManifest, serializer.identifier(), manifest, bytes);
    return new Encoded(repr.persistenceId(), r, JournalLine.seal(out.toByteArray()));
  }

  /** The serializer bytes as a string if they are a single-line JSON object/array, else null (e.g. gzip). */
  private String embeddableJson(byte[] bytes) {
    if (bytes.length == 0 || (bytes[0] != '{' && bytes[0] != '[')) {
      return null;
    }
    for (byte b : bytes) {
      if (b == '\n' || b == '\r') {
        return null;
      }
    }
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
      JsonNode n = mapper.readTree(s);
      return n != null && n.isContainerNode() ? s : null;
    } catch (IOException e) {
      return null;
    }
  }

  private byte[] deletionMarker(String pid, long deletedTo) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("pid", pid);
      g.writeNumberField("deletedTo", deletedTo);
      g.writeStringField("ts", Instant.ofEpochMilli(System.currentTimeMillis()).toString());
      g.writeStringField("node", node);
      g.writeEndObject();
    }
    return JournalLine.seal(out.toByteArray());
  }

  // ------------------------------------------------------------------------------------------ index

  private void apply(Decoded d) {
    PidIndex p = index.computeIfAbsent(d.pid(), k -> new PidIndex());
    if (d.record() == null) {
      deleteFromIndex(p, d.deletedTo());
      p.highest = Math.max(p.highest, d.highest());   // a segment checkpoint keeps what expired segments held
    } else {
      Record r = d.record();
      if (r.seq() > p.deletedTo) {
        p.records.put(r.seq(), r);
      }
      p.highest = Math.max(p.highest, r.seq());
    }
  }

  private static void deleteFromIndex(PidIndex p, long toSeq) {
    if (toSeq > p.deletedTo) {
      p.deletedTo = toSeq;
      p.records.headMap(toSeq, true).clear();
    }
  }

  // ------------------------------------------------------------------------------------------ writer

  /** One unit of work for the writer thread: lines to append, then an index update and a result. */
  private abstract static class PendingOp {
    final List<byte[]> lines = new ArrayList<>();

    /** Called on the writer thread after the lines are durable. */
    abstract void succeeded();

    abstract void failed(Exception e);
  }

  private void submit(PendingOp op) {
    queue.add(op);
    try {
      io.execute(this::drain);
    } catch (RejectedExecutionException e) {
      queue.remove(op);
      op.failed(new IllegalStateException("FileJournal for " + file + " is shut down"));
    }
  }

  /** Group commit: everything queued so far is written with a single force(). */
  private void drain() {
    List<PendingOp> batch = new ArrayList<>();
    PendingOp op;
    while ((op = queue.poll()) != null) {
      batch.add(op);
    }
    if (batch.isEmpty()) {
      return;
    }
    Exception b = broken;
    if (b != null) {
      for (PendingOp o : batch) {
        o.failed(b);
      }
      return;
    }
    int total = 0;
    for (PendingOp o : batch) {
      for (byte[] l : o.lines) {
        total += l.length;
      }
    }
    long start = fileSize;
    try {
      if (total > 0) {
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (PendingOp o : batch) {
          for (byte[] l : o.lines) {
            buf.put(l);
          }
        }
        buf.flip();
        long pos = start;
        while (buf.hasRemaining()) {
          pos += channel.write(buf, pos);
        }
        channel.force(false);
        fileSize = pos;
      }
      if (log.isDebugEnabled()) {
        log.debug("group commit: {} ops, {} bytes, one force() -> {} is {} bytes", batch.size(), total, file, fileSize);
      }
    } catch (Exception e) {
      log.error("journal {}: writing {} bytes at offset {} failed ({}): these decisions were NOT recorded and are not "
          + "acted on; the next decision tries again (free space / fix the disk)", file, total, start, e.toString());
      try {
        channel.truncate(start);
        channel.force(false);
      } catch (Exception te) {
        broken = new IllegalStateException("Journal file " + file + " could not be restored to " + start
            + " bytes after a failed write; refusing further operations", te);
        log.error(broken.getMessage(), te);
      }
      for (PendingOp o : batch) {
        o.failed(e);
      }
      return;
    }
    for (PendingOp o : batch) {
      try {
        o.succeeded();
      } catch (Exception e) {
        o.failed(e);
      }
    }
    try {
      rotateIfDue(Instant.now());
    } catch (Exception e) {
      log.error("journal {}: rotation failed: {}", dir, e.toString());
    }
  }

  private <T> Future<T> onIoThread(IoTask<T> task) {
    Exception b = broken;
    if (b != null) {
      return Futures.failed(b);
    }
    Promise<T> promise = Futures.promise();
    try {
      io.execute(() -> {
        try {
          Exception b2 = broken;
          if (b2 != null) {
            throw b2;
          }
          promise.success(task.run());
        } catch (Throwable t) {
          promise.failure(t);
        }
      });
    } catch (RejectedExecutionException e) {
      promise.failure(new IllegalStateException("FileJournal for " + file + " is shut down"));
    }
    return promise.future();
  }

  @FunctionalInterface
  private interface IoTask<T> {
    T run() throws Exception;
  }

  // ------------------------------------------------------------------------------------------ journal SPI

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    Exception b = broken;
    if (b != null) {
      return Futures.failed(b);
    }
    long now = System.currentTimeMillis();
    List<Optional<Exception>> results = new ArrayList<>();
    List<Encoded> accepted = new ArrayList<>();
    for (AtomicWrite aw : messages) {
      List<Encoded> encoded = new ArrayList<>();
      Optional<Exception> result = Optional.empty();
      for (PersistentRepr repr : CollectionConverters.asJava(aw.payload())) {
        try {
          encoded.add(encode(repr, now));
        } catch (Exception e) {
          log.warn("FileJournal rejects AtomicWrite of [{}] seq {}..{}: event {} cannot be serialized: {}",
              aw.persistenceId(), aw.lowestSequenceNr(), aw.highestSequenceNr(),
              repr.payload() == null ? "null" : repr.payload().getClass().getName(), e.toString());
          result = Optional.of(e);
          encoded.clear();
          break;
        }
      }
      accepted.addAll(encoded);
      results.add(result);
    }
    Promise<Iterable<Optional<Exception>>> promise = Futures.promise();
    PendingOp op = new PendingOp() {
      @Override
      void succeeded() {
        for (Encoded e : accepted) {
          PidIndex p = index.computeIfAbsent(e.pid, k -> new PidIndex());
          p.records.put(e.record.seq(), e.record);
          p.highest = Math.max(p.highest, e.record.seq());
          // Written now: the segment's age counts from here, whatever timestamp the event itself carries.
          noteActive(new Decoded(e.pid, e.record, 0L, 0L), Instant.now());
        }
        promise.success(results);
      }

      @Override
      void failed(Exception e) {
        promise.failure(e);
      }
    };
    for (Encoded e : accepted) {
      op.lines.add(e.line);
    }
    submit(op);
    return promise.future();
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    Promise<Void> promise = Futures.promise();
    // Decide on the I/O thread (it owns the index); the marker line is then written through the group-commit queue.
    Future<Long> effective = onIoThread(() -> {
      PidIndex p = index.get(persistenceId);
      long highest = p == null ? 0L : p.highest;
      long to = Math.min(toSequenceNr, highest);
      return p == null || to <= p.deletedTo ? -1L : to;
    });
    effective.onComplete(t -> {
      if (t.isFailure()) {
        promise.failure(t.failed().get());
      } else if (t.get() < 0) {
        promise.success(null);
      } else {
        long to = t.get();
        PendingOp op = new PendingOp() {
          @Override
          void succeeded() {
            deleteFromIndex(index.computeIfAbsent(persistenceId, k -> new PidIndex()), to);
            promise.success(null);
          }

          @Override
          void failed(Exception e) {
            promise.failure(e);
          }
        };
        try {
          op.lines.add(deletionMarker(persistenceId, to));
          submit(op);
        } catch (Exception e) {
          promise.failure(e);
        }
      }
      return null;
    }, context().dispatcher());
    return promise.future();
  }

  @Override
  public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                            Consumer<PersistentRepr> replayCallback) {
    return onIoThread(() -> {
      PidIndex p = index.get(persistenceId);
      if (p == null || max <= 0 || fromSequenceNr > toSequenceNr) {
        return null;
      }
      long from = Math.max(fromSequenceNr, p.deletedTo + 1);
      if (from > toSequenceNr) {
        return null;
      }
      long n = 0;
      for (Record r : p.records.subMap(from, true, toSequenceNr, true).values()) {
        if (n++ >= max) {
          break;
        }
        Object payload = serialization.deserialize(r.payload(), r.serializerId(), r.manifest()).get();
        PersistentRepr repr = PersistentRepr.apply(payload, r.seq(), persistenceId, r.adapterManifest(), false,
            ActorRef.noSender(), r.writerUuid());
        replayCallback.accept(r.timestamp() != 0L ? repr.withTimestamp(r.timestamp()) : repr);
      }
      return null;
    });
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return onIoThread(() -> {
      PidIndex p = index.get(persistenceId);
      return p == null ? 0L : p.highest;
    });
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  @Override
  public void postStop() throws Exception {
    try {
      io.shutdown(); // already queued work (including pending group commits) still runs
      if (!io.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("FileJournal I/O thread for {} did not finish within 10s", file);
        io.shutdownNow();
      }
    } finally {
      closeQuietly();
      super.postStop();
    }
  }

  private void closeQuietly() {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } catch (Exception e) {
      log.debug("release lock of {}: {}", file, e.toString());
    }
    try {
      if (channel != null) {
        channel.close();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (Exception e) {
      log.debug("close {}: {}", file, e.toString());
    }
  }
}
