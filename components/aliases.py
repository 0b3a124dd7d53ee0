"""Aliases for children renamed since a stack was deployed, so `pulumi up` updates them instead of replacing.

A component's children are registered inside it, out of reach of the program's own options; a transformation
on the component reaches each of them as it is registered and adds an alias to its former name (and former
parent, when it moved between components). The engine then matches the existing state to the new name.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

# child's new logical name -> (its former logical name, its former parent or None for its current parent)
FormerNames = Mapping[str, tuple[str, pulumi.Resource | None]]


def keep_former_names(former: FormerNames) -> pulumi.ResourceTransformation:
    """A transformation (for `ResourceOptions.transformations`) aliasing each child named in `former`."""
    aliases = {child: pulumi.Alias(name=name) if parent is None else pulumi.Alias(name=name, parent=parent)
               for child, (name, parent) in former.items()}

    def add_alias(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        alias = aliases.get(args.name)
        if alias is None:
            return None
        return pulumi.ResourceTransformationResult(
            args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(aliases=[alias])))

    return add_alias
