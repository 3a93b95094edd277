// Showing the server's errors on a form: field errors beside their inputs
// (Bootstrap's is-invalid + invalid-feedback), anything else in the form's alert.

let feedbackIds = 0;

function feedbackFor(input) {
  let feedback = input.parentElement.querySelector('.invalid-feedback');
  if (!feedback) {
    feedback = document.createElement('div');
    feedback.className = 'invalid-feedback';
    input.insertAdjacentElement('afterend', feedback);
  }
  if (!feedback.id) feedback.id = `feedback-${++feedbackIds}`;
  return feedback;
}

function formAlert(form) {
  return form.querySelector('.form-error');
}

export function clearFieldError(input) {
  if (!input.classList.contains('is-invalid')) return;
  input.classList.remove('is-invalid');
  input.removeAttribute('aria-invalid');
  feedbackFor(input).textContent = '';
}

export function clearErrors(form) {
  for (const input of form.querySelectorAll('.is-invalid')) clearFieldError(input);
  const alert = formAlert(form);
  if (alert) {
    alert.hidden = true;
    alert.textContent = '';
  }
  const done = form.querySelector('.form-success');
  if (done) done.hidden = true;
}

export function showFormMessage(form, message) {
  const alert = formAlert(form);
  alert.textContent = message;
  alert.hidden = false;
}

export function showSuccess(form, message) {
  const done = form.querySelector('.form-success');
  done.textContent = message;
  done.hidden = false;
}

// `error` is an ApiError; fields the form does not have are shown in its alert.
export function showErrors(form, error) {
  const leftover = [];
  let first = null;
  if (error.fieldErrors) {
    for (const [field, message] of Object.entries(error.fieldErrors)) {
      const input = form.elements.namedItem(field);
      if (!(input instanceof HTMLElement) || !('value' in input)) {
        leftover.push(String(message));
        continue;
      }
      input.classList.add('is-invalid');
      input.setAttribute('aria-invalid', 'true');
      const feedback = feedbackFor(input);
      feedback.textContent = String(message);
      const described = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!described.includes(feedback.id)) {
        input.setAttribute('aria-describedby', [feedback.id, ...described].join(' '));
      }
      first = first || input;
    }
  }
  if (!error.fieldErrors || leftover.length) {
    showFormMessage(form, leftover.length ? leftover.join(' ') : error.message);
  }
  if (first) first.focus();
}

// A field's error goes away as soon as the person edits it.
export function clearErrorsOnInput(form) {
  form.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement) clearFieldError(event.target);
  });
}

export function setBusy(form, busy) {
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  const lost = busy && buttons.includes(document.activeElement);
  for (const button of buttons) {
    button.disabled = busy;
    button.setAttribute('aria-busy', String(busy));
  }
  // Disabling the focused button drops the focus to <body>, out of its dialog (Esc would no longer close it):
  // give it back once the button works again, unless something else took it meanwhile.
  if (lost) form.dataset.refocus = 'true';
  if (!busy && form.dataset.refocus) {
    delete form.dataset.refocus;
    if (!document.activeElement || document.activeElement === document.body) buttons[0]?.focus();
  }
}
