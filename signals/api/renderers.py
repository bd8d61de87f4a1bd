"""JSON rendering that never fails on text: a lone surrogate is written as a JSON escape."""
import json

from rest_framework.renderers import JSONRenderer


class SafeJSONRenderer(JSONRenderer):
    """DRF's JSON renderer (UTF-8, non-ASCII as is). Text that UTF-8 cannot hold (a lone surrogate,
    which a JSON body may carry as ``"\\ud800"``) is written ``\\ud800`` instead of crashing."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return json.dumps(data, cls=self.encoder_class, ensure_ascii=True, allow_nan=False,
                              separators=(",", ":")).encode("ascii")
