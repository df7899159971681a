package org.tandemha.fencing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An HA-Lizard {@code <METHOD>.hosts} file: one {@code <host-uuid>:<value>} per line mapping a host to its
 * fence device (an iLO IP, a BMC, a VM UUID). HA-Lizard looks a host up with a substring grep, so one
 * UUID that is a prefix of another picks the wrong device; here the lookup is exact, and a malformed or
 * duplicate line makes the whole file invalid instead of being skipped.
 */
public final class HostsFile {
  private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /** The file cannot be used; the message names the file, the line and what is wrong with it. */
  public static final class Invalid extends Exception {
    public Invalid(String message) { super(message); }
  }

  private final Map<String, String> devices;

  private HostsFile(Map<String, String> devices) { this.devices = Collections.unmodifiableMap(devices); }

  public static HostsFile read(Path file) throws Invalid {
    try {
      return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new Invalid(file + ": cannot read: " + e.getMessage());
    }
  }

  /** Blank lines and {@code #} comments are allowed; anything else must be {@code uuid:value}. */
  public static HostsFile parse(String name, List<String> lines) throws Invalid {
    Map<String, String> devices = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      int colon = line.indexOf(':');
      String where = name + " line " + (i + 1) + ": ";
      if (colon < 0) throw new Invalid(where + "expected <host-uuid>:<value>, got \"" + line + "\"");
      String uuid = line.substring(0, colon).strip().toLowerCase();
      String value = line.substring(colon + 1).strip();
      if (!UUID.matcher(uuid).matches()) throw new Invalid(where + "\"" + uuid + "\" is not a host UUID");
      if (value.isEmpty()) throw new Invalid(where + "no device value for host " + uuid);
      if (devices.putIfAbsent(uuid, value) != null) throw new Invalid(where + "host " + uuid + " is listed twice");
    }
    return new HostsFile(devices);
  }

  /** The device for exactly this host UUID, never for one that merely contains it. */
  public Optional<String> deviceFor(String hostUuid) {
    return Optional.ofNullable(devices.get(hostUuid.strip().toLowerCase()));
  }

  public int size() { return devices.size(); }

  /** Every host UUID (lower case) with its value, in file order. */
  public Map<String, String> entries() { return devices; }
}
