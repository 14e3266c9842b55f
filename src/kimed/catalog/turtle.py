"""A Turtle serializer that never changes a literal's lexical form.

rdflib's Turtle writer abbreviates numbers and booleans using their Python value, so
``"1000"^^xsd:decimal`` comes out as ``1000.0``: a different literal, which breaks lossless
export. This subclass keeps the abbreviation only when it spells the same lexical form.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node


class LexicalTurtleSerializer(TurtleSerializer):
    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal):
            qname = lambda dt: self.get_pname(dt, False)  # noqa: E731
            plain = node._literal_n3(use_plain=True, qname_callback=qname)
            if plain.startswith('"') or plain == str(node):
                return plain
            return node._literal_n3(use_plain=False, qname_callback=qname)
        return super().label(node, position)
