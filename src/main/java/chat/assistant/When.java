package chat.assistant;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a /remind is due, read from the start of its arguments: {@code in 10m}, {@code in 2h}, {@code in 1h30m},
 * {@code in 3d} (also s for seconds), {@code today 18:00}, {@code tomorrow 9:00}, {@code at 18:00} (the next such
 * time), {@code at 2026-12-24 18:00}; the rest is the reminder's text. Clock times are read in the configured zone
 * (bots.timeZone). Due in the future and within a year, or refused with what is wrong.
 */
final class When {

  static final String USAGE = "/remind <when> <text>, when: in 10m, in 2h, in 1h30m, in 3d, today 18:00,"
    + " tomorrow 9:00, at 18:00, at 2026-12-24 18:00";
  static final Duration MAX_AHEAD = Duration.ofDays(365);

  private static final Pattern IN = Pattern.compile("(?i)in\\s+((?:\\d{1,6}\\s*[smhd]\\s*)+)(?:\\s+(.*))?",
    Pattern.DOTALL);
  private static final Pattern PART = Pattern.compile("(?i)(\\d{1,6})\\s*([smhd])");
  private static final Pattern DAY = Pattern.compile(
    "(?i)(today|tomorrow|at)\\s+(?:(\\d{4}-\\d{2}-\\d{2})\\s+)?(\\d{1,2}:\\d{2})(?:\\s+(.*))?", Pattern.DOTALL);

  /** A reminder asked for: when, and what to say. */
  record Reminder(Instant due, String text) {
  }

  private When() {
  }

  static Reminder parse(String args, Instant now, ZoneId zone) {
    String trimmed = args == null ? "" : args.strip();
    Matcher in = IN.matcher(trimmed);
    Matcher day = DAY.matcher(trimmed);
    Instant due;
    String text;
    if (in.matches()) {
      due = now.plus(duration(in.group(1)));
      text = in.group(2);
    } else if (day.matches()) {
      due = clock(day.group(1).toLowerCase(java.util.Locale.ROOT), day.group(2), day.group(3), now, zone);
      text = day.group(4);
    } else {
      throw new IllegalArgumentException("when is missing or not understood. Usage: " + USAGE);
    }
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("what to remind you of is missing. Usage: " + USAGE);
    }
    if (!due.isAfter(now)) {
      throw new IllegalArgumentException("that time has passed");
    }
    if (due.isAfter(now.plus(MAX_AHEAD))) {
      throw new IllegalArgumentException("that is more than a year ahead");
    }
    return new Reminder(due, text.strip());
  }

  private static Duration duration(String parts) {
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(parts);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total = total.plus(switch (Character.toLowerCase(part.group(2).charAt(0))) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    }
    return total;
  }

  private static Instant clock(String word, String date, String time, Instant now, ZoneId zone) {
    LocalTime at;
    try {
      at = LocalTime.parse(time.length() == 4 ? "0" + time : time);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("no such time of day: " + time);
    }
    ZonedDateTime here = now.atZone(zone);
    if (date != null) {
      if (!word.equals("at")) {
        throw new IllegalArgumentException("a date goes with at: at 2026-12-24 18:00");
      }
      try {
        return LocalDateTime.of(LocalDate.parse(date), at).atZone(zone).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("no such date: " + date);
      }
    }
    LocalDate today = here.toLocalDate();
    return switch (word) {
      case "today" -> today.atTime(at).atZone(zone).toInstant();
      case "tomorrow" -> today.plusDays(1).atTime(at).atZone(zone).toInstant();
      // the next such time: today's if it is still to come, else tomorrow's
      default -> {
        Instant todays = today.atTime(at).atZone(zone).toInstant();
        yield todays.isAfter(now) ? todays : today.plusDays(1).atTime(at).atZone(zone).toInstant();
      }
    };
  }
}
