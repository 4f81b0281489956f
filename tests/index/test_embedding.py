import numpy as np
import pytest

from index.embedding import FakeEmbedder, ModelError, load_embedder


@pytest.mark.parametrize("which", ["fake", "real"])
def test_query_path_gives_the_batch_vector(which, real_embedder):
    embedder = FakeEmbedder() if which == "fake" else real_embedder
    texts = ["Who led the US delegation in Geneva?", "INF", "Ryabkov said the talks were difficult, but useful."]
    batch = embedder.encode(texts)
    for text, row in zip(texts, batch):
        q = embedder.encode_query(text)
        assert q.dtype == np.float32 and q.shape == (embedder.dim,)
        np.testing.assert_allclose(q, row, atol=1e-5)
        assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4


def test_a_missing_model_folder_is_one_clear_error(tmp_path):
    with pytest.raises(ModelError, match="model folder not found"):
        load_embedder(str(tmp_path / "no-such-model"))
