package org.tandemha.controller.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * One line of the journal file: a JSON object whose last field is {@code "crc":"xxxxxxxx"}, the CRC32 of the
 * line without that field. Shared by the journal plugin (writing, recovery) and its readers ({@code tandem
 * events}), so both agree on what a damaged line is.
 */
public final class JournalLine {
  private JournalLine() {}

  static final String CRC_PREFIX = ",\"crc\":\"";
  /** ,"crc":"  + 8 hex + "} */
  static final int CRC_SUFFIX_LEN = CRC_PREFIX.length() + 8 + 2;

  /** The line in {@code all[from, to)} (no newline) as text, if it is valid UTF-8 with a matching CRC. */
  public static String checked(byte[] all, int from, int to) throws IOException {
    String line;
    try {
      line = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(all, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not valid UTF-8");
    }
    return checked(line);
  }

  /** The line itself, if its CRC matches; otherwise why not. */
  public static String checked(String line) throws IOException {
    int crcAt = line.length() - CRC_SUFFIX_LEN;
    if (crcAt < 1 || !line.startsWith(CRC_PREFIX, crcAt) || !line.endsWith("\"}")) {
      throw new IOException("missing or misplaced crc field");
    }
    String crcHex = line.substring(crcAt + CRC_PREFIX.length(), line.length() - 2);
    String body = line.substring(0, crcAt) + "}";
    if (!crcHex.equals(crc(body.getBytes(StandardCharsets.UTF_8)))) {
      throw new IOException("crc mismatch");
    }
    return line;
  }

  static String crc(byte[] bytes) {
    CRC32 c = new CRC32();
    c.update(bytes);
    return String.format("%08x", c.getValue());
  }

  /** Finishes a line: appends the crc field and the newline. {@code body} is a complete JSON object. */
  static byte[] seal(byte[] body) {
    String suffix = CRC_PREFIX + crc(body) + "\"}\n";
    byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[body.length - 1 + s.length];
    System.arraycopy(body, 0, out, 0, body.length - 1); // drop the closing '}'
    System.arraycopy(s, 0, out, body.length - 1, s.length);
    return out;
  }
}
