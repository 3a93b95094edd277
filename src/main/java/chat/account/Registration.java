package chat.account;

import chat.bus.RoomId;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** A registration form, checked field by field at the HTTP edge; every bad field is reported at once. */
public record Registration(String username, String email, String password) {

  static final Pattern EMAIL = Pattern.compile("[^@\\s\"<>]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

  public JsonObject toJson() {
    return new JsonObject().put("username", username).put("email", email).put("password", password);
  }

  public static Registration fromJson(JsonObject json) {
    return new Registration(json.getString("username"), json.getString("email"), json.getString("password"));
  }

  /** The form's problems by field name; empty when the form is good. */
  public static Map<String, String> problems(JsonObject form) {
    Map<String, String> errors = new LinkedHashMap<>();
    Object username = form.getValue("username");
    if (!(username instanceof String name) || !RoomId.USERNAME.matcher(name).matches()) {
      errors.put("username", "2 to 20 letters, digits, _ or -");
    } else if (RoomId.RESERVED_NAMES.contains(RoomId.key(name))) {
      errors.put("username", "reserved: choose another");
    }
    String emailProblem = emailProblem(form.getValue("email"));
    if (emailProblem != null) {
      errors.put("email", emailProblem);
    }
    errors.putAll(passwordProblems(form));
    return errors;
  }

  /** The {@code password} and {@code confirmPassword} fields of a form, against the server's password rule. */
  public static Map<String, String> passwordProblems(JsonObject form) {
    Map<String, String> errors = new LinkedHashMap<>();
    Object password = form.getValue("password");
    if (!(password instanceof String pw)) {
      errors.put("password", "required");
    } else {
      String problem = PasswordRule.problem(pw);
      if (problem != null) {
        errors.put("password", problem);
      }
    }
    Object confirm = form.getValue("confirmPassword");
    // a confirmation is only wrong against a password that could be right
    if (!(confirm instanceof String) || password instanceof String && !confirm.equals(password)) {
      errors.put("confirmPassword", "does not match the password");
    }
    return errors;
  }

  public static String emailProblem(Object email) {
    if (!(email instanceof String address) || address.length() > 254 || !EMAIL.matcher(address).matches()) {
      return "a valid email address";
    }
    return null;
  }
}
