// Public site, with JavaScript on: solve the proof of work in a Web Worker while the person
// writes, then send the form to the route that takes it. Without this script (or when it fails)
// the form goes, unchanged, to the path without proof of work.
'use strict';

(function () {
  const form = document.querySelector('form[data-pow-challenge]');
  if (!form || typeof Worker !== 'function') return;
  const challenge = form.getAttribute('data-pow-challenge');
  const difficulty = Number(form.getAttribute('data-pow-difficulty'));
  const expiresAt = Date.parse(form.getAttribute('data-pow-expires') || '');
  const action = form.getAttribute('data-pow-action');
  const workerUrl = form.getAttribute('data-pow-worker');
  const field = form.querySelector('input[name="pow"]');
  const box = document.getElementById('pow');
  const bar = box && box.querySelector('progress');
  const status = box && box.querySelector('[data-pow-status]');
  if (!challenge || !action || !workerUrl || !field || !box || !bar || !status) return;
  if (!(difficulty > 0) || !(expiresAt > Date.now())) return;

  let solved = false;
  let failed = false;
  let sendWhenSolved = false;
  const expected = Math.pow(2, difficulty);
  box.hidden = false;

  function say(key) {
    status.textContent = box.getAttribute(key) || '';
  }
  function fail() {
    failed = true;
    bar.value = 0;
    say('data-text-failed');
    if (sendWhenSolved) form.submit();
  }

  let worker;
  try {
    worker = new Worker(workerUrl);
  } catch {
    fail();
    return;
  }
  worker.onerror = fail;
  worker.onmessage = function (event) {
    const data = event.data;
    if (!data.done) {
      // Expected work, not a promise: the bar slows near its end rather than overshooting.
      bar.value = Math.min(0.95, 1 - Math.exp(-data.tried / expected));
      return;
    }
    worker.terminate();
    if (Date.now() >= expiresAt) return fail();
    field.value = challenge + ':' + data.counter;
    form.setAttribute('action', action);
    form.setAttribute('data-pow-ms', String(data.ms));
    form.setAttribute('data-pow-tries', String(Number(data.counter) + 1));
    solved = true;
    bar.value = 1;
    say('data-text-done');
    if (sendWhenSolved) form.submit();
  };
  worker.postMessage({ challenge: challenge, difficulty: difficulty });

  form.addEventListener('submit', function (event) {
    if (solved && Date.now() >= expiresAt) {
      // Too late for this challenge: the path without proof of work takes the form.
      field.value = '';
      form.setAttribute('action', form.getAttribute('data-nojs-action') || form.action);
      return;
    }
    if (solved || failed) return;
    event.preventDefault();
    sendWhenSolved = true;
    box.focus();
  });
})();
