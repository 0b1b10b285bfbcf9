"""The program office's pages: roles, organisations; all refused to everybody else."""
import pytest

from marketplace.accounts.models import Organisation, Role, User
from marketplace.extensions import db


def test_admin_grants_several_roles(client, auth, people, app):
    auth.login("admin@example.com")
    response = client.post(f"/admin/users/{people.reviewer_id}/roles",
                           data={"roles": ["reviewer", "solver"]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, people.reviewer_id).roles == {Role.reviewer, Role.solver}


def test_admin_cannot_drop_own_admin_role(client, auth, people, app):
    auth.login("admin@example.com")
    client.post(f"/admin/users/{people.admin_id}/roles", data={"roles": ["owner"]})
    with app.app_context():
        assert db.session.get(User, people.admin_id).is_admin


def test_admin_verifies_organisation(client, auth, people, app):
    auth.login("admin@example.com")
    client.post(f"/admin/organisations/{people.owner_org_id}/verify")
    with app.app_context():
        assert db.session.get(Organisation, people.owner_org_id).verified is True


@pytest.mark.parametrize("who", [None, "owner@example.com", "solver@example.com",
                                 "reviewer@example.com"])
def test_admin_pages_are_refused_to_others(client, auth, people, app, who):
    if who:
        auth.login(who)
    for url in ("/admin/", "/admin/users", "/admin/organisations", "/admin/screening"):
        assert client.get(url).status_code in ((403,) if who else (302,)), url
    response = client.post(f"/admin/users/{people.solver_id}/roles", data={"roles": ["admin"]})
    assert response.status_code in (302, 403)
    client.post(f"/admin/organisations/{people.owner_org_id}/verify")
    with app.app_context():
        assert not db.session.get(User, people.solver_id).is_admin
        assert db.session.get(Organisation, people.owner_org_id).verified is False
