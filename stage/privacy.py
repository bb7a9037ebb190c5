"""The stage stores nothing about a person: stream settings per event and room."""

from treffpunkt.privacy import declare

declare("stage.StageSettings", not_personal="The organizers' embed allow-list and flags.")
declare("stage.RoomStage", not_personal="A room's stream type and poster.")
