"""The serving reference for scripts/bench-serve: the book's Keras model (listing 8-1) behind
FastAPI + uvicorn, answering POST /predict with the same JSON shape as `convnet serve`.

Run with: MODEL=path/to/model.keras python -m uvicorn serve_reference:app --app-dir bench
The request body is decoded with Pillow, made greyscale and resized to 28x28 (a plain resize:
convnet's MNIST-style crop and centring do more work per image). Inference runs in FastAPI's
thread pool, as a synchronous endpoint would, calling the model directly: model.predict() adds
a per-call overhead that a server would not pay.
"""
import io
import os

import numpy as np
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from PIL import Image, UnidentifiedImageError

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras  # noqa: E402  (after the log level)

model = keras.models.load_model(os.environ["MODEL"])
model(np.zeros((1, 28, 28, 1), dtype=np.float32), training=False)  # build and warm up before serving
app = FastAPI()


def classify(body: bytes):
    try:
        image = Image.open(io.BytesIO(body)).convert("L").resize((28, 28))
    except (UnidentifiedImageError, OSError) as e:
        return JSONResponse({"error": f"not an image ({e})"}, status_code=400)
    x = np.asarray(image, dtype=np.float32)[None, :, :, None] / 255.0
    p = model(x, training=False).numpy()[0]
    order = np.argsort(-p)
    top = [{"class": int(c), "label": str(int(c)), "probability": float(p[c])} for c in order[:3]]
    return {"class": top[0]["class"], "label": top[0]["label"], "probability": top[0]["probability"], "top": top}


@app.post("/predict")
async def predict(request: Request):
    body = await request.body()
    return await run_in_threadpool(classify, body)


@app.get("/health")
def health():
    return {"status": "ok"}
