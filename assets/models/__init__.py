"""What marketers write and reps use. One module per content type, re-exported here."""

from assets.models.calls import BuyerStatus, CallOutcome
from assets.models.enablement import EnablementAssetAttachment, EnablementAssetPage
from assets.models.favourites import Favourite
from assets.models.library import LibraryIndexPage, LibraryItemPage, LibraryItemTag
from assets.models.objections import (
    Objection,
    ObjectionHearing,
    ObjectionLinkedAsset,
    ObjectionPhrase,
)
from assets.models.requests import ContentRequest, ContentRequestAsk
from assets.models.talk_tracks import TalkTrackAsset, TalkTrackObjection, TalkTrackPage
from assets.models.usage import UsageEvent

__all__ = [
    "BuyerStatus",
    "CallOutcome",
    "ContentRequest",
    "ContentRequestAsk",
    "EnablementAssetAttachment",
    "EnablementAssetPage",
    "Favourite",
    "LibraryIndexPage",
    "LibraryItemPage",
    "LibraryItemTag",
    "Objection",
    "ObjectionHearing",
    "ObjectionLinkedAsset",
    "ObjectionPhrase",
    "TalkTrackAsset",
    "TalkTrackObjection",
    "TalkTrackPage",
    "UsageEvent",
]
