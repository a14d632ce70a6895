// The draw-a-digit page: a drawing pad, live predictions from POST /predict?explain=1, a bar per
// class and the 28x28 input the model saw. No libraries: the page must work without a network.
"use strict";

(function () {
  const pad = document.getElementById("pad");
  const ink = pad.getContext("2d");
  const photo = document.getElementById("photo");
  const seen = document.getElementById("seen");
  const seenCtx = seen.getContext("2d");
  const bars = document.getElementById("bars");
  const label = document.getElementById("label");
  const confidence = document.getElementById("confidence");
  const runnerUp = document.getElementById("runner-up");
  const statusLine = document.getElementById("status");
  const upload = document.getElementById("upload");

  let classNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
  let drawing = false;
  let last = null;
  let inFlight = false;
  let pending = false;
  let strokes = 0;
  let generation = 0; // bumps on Clear, so that late answers for an old drawing are dropped

  function setState(state) { document.body.dataset.state = state; }

  function clearPad() {
    ink.fillStyle = "#000";
    ink.fillRect(0, 0, pad.width, pad.height);
  }

  function buildBars() {
    bars.innerHTML = "";
    classNames.forEach((name, c) => {
      const li = document.createElement("li");
      li.dataset.class = String(c);
      li.dataset.probability = "0";
      li.innerHTML = '<span class="name"></span><span class="track"><span class="fill"></span></span><span class="pct">–</span>';
      li.querySelector(".name").textContent = name;
      bars.appendChild(li);
    });
  }

  function reset() {
    generation++;
    clearPad();
    photo.hidden = true;
    photo.removeAttribute("src");
    strokes = 0;
    pending = false;
    label.textContent = "–";
    label.classList.remove("long");
    confidence.textContent = "waiting for a drawing";
    runnerUp.textContent = "";
    [...bars.children].forEach((li) => {
      li.classList.remove("best");
      li.dataset.probability = "0";
      li.querySelector(".fill").style.width = "0%";
      li.querySelector(".pct").textContent = "–";
    });
    seenCtx.clearRect(0, 0, 28, 28);
    bars.hidden = false;
    showStatus("");
    setState("empty");
  }

  function showNoDigit() {
    bars.hidden = true;
    label.textContent = "–";
    label.classList.remove("long");
    confidence.textContent = "draw a digit";
    runnerUp.textContent = "";
    seenCtx.clearRect(0, 0, 28, 28);
    showStatus("draw a digit");
  }

  function showStatus(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", !!isError);
  }

  function point(event) {
    const box = pad.getBoundingClientRect();
    return { x: (event.clientX - box.left) * pad.width / box.width, y: (event.clientY - box.top) * pad.height / box.height };
  }

  function stroke(from, to) {
    ink.strokeStyle = "#fff";
    ink.fillStyle = "#fff";
    ink.lineWidth = 18;
    ink.lineCap = "round";
    ink.lineJoin = "round";
    ink.beginPath();
    ink.moveTo(from.x, from.y);
    ink.lineTo(to.x, to.y);
    ink.stroke();
  }

  pad.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    if (!photo.hidden) { reset(); }
    pad.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    stroke(last, last);
    strokes++;
    setState("drawing");
    requestPrediction();
  });
  pad.addEventListener("pointermove", (event) => {
    if (!drawing) { return; }
    event.preventDefault();
    const next = point(event);
    stroke(last, next);
    last = next;
    requestPrediction();
  });
  const stop = (event) => {
    if (!drawing) { return; }
    drawing = false;
    if (pad.hasPointerCapture(event.pointerId)) { pad.releasePointerCapture(event.pointerId); }
    requestPrediction();
  };
  pad.addEventListener("pointerup", stop);
  pad.addEventListener("pointercancel", stop);

  // One request at a time; strokes that arrive meanwhile are sent as one newer drawing afterwards.
  function requestPrediction() {
    if (strokes === 0) { return; }
    if (inFlight) { pending = true; return; }
    inFlight = true;
    pending = false;
    const asked = generation;
    pad.toBlob((blob) => send(blob, "image/png", asked), "image/png");
  }

  async function send(body, type, asked) {
    setState("busy");
    try {
      const response = await fetch("predict?explain=1", { method: "POST", headers: { "Content-Type": type }, body });
      const answer = await response.json();
      if (asked !== generation) { return; }
      if (response.status === 422) { // a blank or cleared pad: no digit, so no bars either
        showNoDigit();
        setState(pending ? "busy" : "nodigit");
        return;
      }
      if (!response.ok) {
        // a file that is no picture: say it as a person would, not the API's reason; hide its broken preview
        const notAPicture = response.status === 400 && /^(not an image|a [A-Z]+ image|damaged)/.test(answer.error || "");
        if (notAPicture) { photo.hidden = true; }
        showStatus(notAPicture ? "That file is not a picture convnet reads: choose a PNG, JPEG, GIF or BMP ("
            + answer.error + ")" : answer.error || ("HTTP " + response.status), true);
        setState("error");
        return;
      }
      show(answer);
      showStatus("");
      setState(pending ? "busy" : "ready"); // "ready" only once the answer is for the drawing as it is now
    } catch (e) {
      if (asked === generation) {
        showStatus("The server did not answer (" + e.message + ")", true);
        setState("error");
      }
    } finally {
      inFlight = false;
      if (pending && asked === generation) { requestPrediction(); }
    }
  }

  function percent(p) {
    const v = 100 * p;
    return (v >= 99.95 ? "100" : v < 0.05 ? "0.0" : v.toFixed(1)) + "%";
  }

  function show(answer) {
    bars.hidden = false;
    const p = answer.probabilities;
    label.textContent = answer.label;
    label.classList.toggle("long", answer.label.length > 2);
    confidence.textContent = percent(answer.probability) + " sure";
    const second = answer.top[1];
    runnerUp.textContent = second ? "next: " + second.label + " (" + percent(second.probability) + ")" : "";
    [...bars.children].forEach((li, c) => {
      li.dataset.probability = String(p[c]);
      li.classList.toggle("best", c === answer.class);
      li.querySelector(".fill").style.width = (100 * p[c]).toFixed(2) + "%";
      li.querySelector(".pct").textContent = percent(p[c]);
    });
    const image = seenCtx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = answer.input[i];
      image.data[4 * i] = v;
      image.data[4 * i + 1] = v;
      image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    seenCtx.putImageData(image, 0, 0);
    document.body.dataset.predictions = String(Number(document.body.dataset.predictions) + 1);
  }

  upload.addEventListener("change", async () => {
    const file = upload.files[0];
    if (!file) { return; }
    reset();
    photo.src = URL.createObjectURL(file);
    photo.hidden = false;
    setState("busy");
    inFlight = true;
    const bytes = await file.arrayBuffer(); // read it whole before the input is cleared for the next pick
    upload.value = "";
    send(bytes, file.type || "application/octet-stream", generation);
  });

  document.getElementById("clear").addEventListener("click", reset);

  function info(name, value) {
    const div = document.createElement("div");
    const dt = document.createElement("dt");
    const dd = document.createElement("dd");
    dt.textContent = name;
    dd.textContent = value;
    div.append(dt, dd);
    return div;
  }

  async function loadModel() {
    try {
      const model = await (await fetch("model")).json();
      classNames = model.class_names;
      buildBars();
      const run = model.run || {};
      const list = document.getElementById("model-info");
      list.innerHTML = "";
      list.append(info("file", model.file));
      list.append(info("dataset", model.dataset));
      list.append(info("parameters", model.parameters.toLocaleString("en-US")));
      list.append(info("test accuracy", model.test_accuracy == null ? "not recorded" : model.test_accuracy.toFixed(4)));
      if (run.epochs === 0 && run["imported.format"]) { // imported, not fine-tuned: the file does not say how it was trained
        list.append(info("trained", "outside convnet (" + run["imported.format"] + ")"));
      } else if (run.epochs !== undefined) { list.append(info("epochs", String(run.epochs))); }
      if (run.architecture) { list.append(info("architecture", run.architecture)); }
      if (run.optimizer) { list.append(info("optimizer", run.optimizer + (run.learning_rate ? ", lr " + run.learning_rate : ""))); }
      if (run.finished) { list.append(info("trained", run.finished.replace("T", " ").replace("Z", " UTC"))); }
      list.append(info("inference", model.engine));
    } catch (e) {
      showStatus("Could not read the model's description (" + e.message + ")", true);
    }
  }

  buildBars();
  reset();
  loadModel();
})();
