import numpy as np
import pytest

from index.embedding import FakeEmbedder, ModelError, load_embedder
from index.runtime import INT8_MIN_COSINE


@pytest.mark.parametrize("which", ["fake", "real"])
def test_query_path_gives_the_batch_vector(which, real_embedder):
    embedder = FakeEmbedder() if which == "fake" else real_embedder
    texts = ["Who led the US delegation in Geneva?", "INF", "Ryabkov said the talks were difficult, but useful."]
    batch = embedder.encode(texts)
    int8 = getattr(getattr(embedder, "runtime", None), "value", "") == "onnx-int8"
    for text, row in zip(texts, batch):
        q = embedder.encode_query(text)
        assert q.dtype == np.float32 and q.shape == (embedder.dim,)
        if int8:  # activations are quantized with the batch's scale: the same text, within the int8 tolerance
            assert float(q @ row) >= INT8_MIN_COSINE
        else:
            np.testing.assert_allclose(q, row, atol=1e-5)
        assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4


def test_a_missing_model_folder_is_one_clear_error(tmp_path):
    with pytest.raises(ModelError, match="model folder not found"):
        load_embedder(str(tmp_path / "no-such-model"))


def test_the_torch_query_path_gives_the_batch_vector_exactly(real_embedder):
    torch = load_embedder(real_embedder.name, runtime="torch")
    texts = ["Who led the US delegation in Geneva?", "INF"]
    for text, row in zip(texts, torch.encode(texts)):
        np.testing.assert_allclose(torch.encode_query(text), row, atol=1e-5)
