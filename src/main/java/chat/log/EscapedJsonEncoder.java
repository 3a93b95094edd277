package chat.log;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;

import java.nio.charset.StandardCharsets;

/**
 * logback's JsonEncoder, whose lines also carry no raw control character. JsonEncoder escapes the C0 controls
 * (CR and LF among them) in every string, as JSON requires; DEL, the C1 controls, the Unicode line separators and
 * the bidirectional controls it writes as they are. Here they become backslash-u escapes too, which any
 * JSON reader turns back into the same text: the same escaping as the text format's ({@link LogEscape}).
 */
public class EscapedJsonEncoder extends JsonEncoder {

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] line = super.encode(event);
    for (byte b : line) {
      if (b < 0 || b == 0x7F) { // non-ASCII or DEL: look closer
        return escapeBeyondAscii(new String(line, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      }
    }
    return line;
  }

  /** Only at or above DEL: below it, JsonEncoder has escaped all, and the newline that ends the line must stay. */
  private static String escapeBeyondAscii(String json) {
    StringBuilder out = new StringBuilder(json.length() + 16);
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c >= 0x7F && LogEscape.escaped(c)) {
        out.append(LogEscape.escape(String.valueOf(c)));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
